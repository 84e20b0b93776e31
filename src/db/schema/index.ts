// The whole schema, for drizzle's typed queries and drizzle-kit.
export * from './users';
export * from './purchases';
export * from './credit-entries';
export * from './unmatched-checkouts';
export * from './reconcile-state';

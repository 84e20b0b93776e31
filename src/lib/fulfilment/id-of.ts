// The id of a Stripe field that is an id or, when expanded, the object itself.
export const idOf = (value: string | { id: string } | null | undefined): string | null => (typeof value === 'string' ? value : (value?.id ?? null));

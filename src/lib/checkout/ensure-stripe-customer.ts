// Finds or lazily creates the buyer's Stripe customer with the fewest sequential round trips, never two per user.
import type Stripe from 'stripe';
import type { Db } from '@/db/client';
import { findOrMarkCheckoutUser, saveStripeCustomerId } from '@/db/checkout';
import { BillingError, callStripe, callUpstream } from '@/lib/http';
import type { BuyerIdentity, ClerkUsers } from '@/lib/identity';
import type { RequestContext } from '@/lib/http';

export interface CustomerDeps {
  db: Db;
  stripe: Stripe;
  clerk: ClerkUsers;
}

export type PersistOutcome = 'not_needed' | 'saved' | 'already_set' | 'failed';

export interface EnsuredCustomer {
  customerId: string;
  appUserId: string;
  /** Where the id came from: the token's claim, the user row, Stripe's search (after a marked attempt), or a create. */
  source: 'claim' | 'row' | 'found' | 'created';
  /** Saving a new id runs beside the session create; it never rejects (a failure is retried after the response). */
  persisted: Promise<PersistOutcome>;
  /** The email the save also fills into a row that had none (from Clerk), so a retried save fills it too. */
  rowEmail?: string;
}

export interface EnsureOptions {
  /** No 429 retry starts after this (epoch ms). */
  deadline: number;
  /** Customer ids Stripe no longer knows: never hand them out again (they may still sit in the token, row or a key). */
  stale?: ReadonlySet<string>;
}

// Each generation is a new key, tried only after the previous one is known to hold a result that cannot be used:
// a stored 500, other params (the buyer's email changed), or the stale customer itself. Bounded so a persistent
// failure ends in a 502 instead of a loop.
const KEY_GENERATIONS = 4;
const keyFor = (appUserId: string, generation: number) => (generation === 0 ? `customer-for-${appUserId}` : `customer-for-${appUserId}-g${generation + 1}`);

function isStoredFailure(err: unknown): boolean {
  const cause = err instanceof BillingError ? (err.cause as { type?: string; statusCode?: number; headers?: Record<string, string> } | undefined) : undefined;
  if (!cause) return false;
  if (cause.type === 'StripeIdempotencyError') return true;
  // A 500 Stripe stored against the key: replayed, or marked as not worth retrying because it will be replayed.
  return cause.statusCode === 500 && (cause.headers?.['idempotent-replayed'] === 'true' || cause.headers?.['stripe-should-retry'] === 'false');
}

/**
 * A customer an earlier checkout of this user created but never saved (its key expired, or it was made under another
 * key generation). Search is not available to every account and lags writes (usually under a minute, up to an hour in
 * incidents): a failed or empty search falls back to the idempotency key, which returns the same customer for 24 h.
 */
async function searchEarlierCustomer(
  appUserId: string,
  client: Stripe,
  stripe: <T>(call: () => Promise<T>) => Promise<T>,
  isStale: (id: string) => boolean,
): Promise<string | undefined> {
  try {
    const found = await stripe(() => client.customers.search({ query: `metadata['appUserId']:'${appUserId}'`, limit: 10 }));
    return found.data.filter((c) => !isStale(c.id)).sort((a, b) => a.created - b.created || a.id.localeCompare(b.id))[0]?.id;
  } catch {
    return undefined;
  }
}

export async function ensureStripeCustomer(identity: BuyerIdentity, deps: CustomerDeps, ctx: RequestContext, opts: EnsureOptions): Promise<EnsuredCustomer> {
  const isStale = (id: string) => opts.stale?.has(id) ?? false;
  const done = Promise.resolve<PersistOutcome>('not_needed');
  // Fast path: the signed token already says who the customer is, so no database read sits on the critical path.
  if (identity.stripeCustomerId && identity.appUserId && !isStale(identity.stripeCustomerId)) {
    return { customerId: identity.stripeCustomerId, appUserId: identity.appUserId, source: 'claim', persisted: done };
  }

  const db = <T>(query: () => Promise<T>) => ctx.time('db', () => callUpstream('db', query));
  const stripe = <T>(call: () => Promise<T>) => ctx.time('stripe', () => callStripe(call, { deadline: opts.deadline }));
  // One statement finds the row (or creates it: the sign-up sync may not have run) and marks it before any create.
  const user = await db(() => findOrMarkCheckoutUser(deps.db, identity.clerkUserId, identity.email ?? ''));
  if (user.stripeCustomerId && !isStale(user.stripeCustomerId)) {
    return { customerId: user.stripeCustomerId, appUserId: user.id, source: 'row', persisted: done };
  }

  const appUserId = user.id;
  let rowEmail: string | undefined;
  const persist = (customerId: string) =>
    ctx
      .time('db', () => saveStripeCustomerId(deps.db, appUserId, customerId, rowEmail))
      .then((stored): PersistOutcome => (stored ? 'saved' : 'already_set'))
      .catch((): PersistOutcome => 'failed');

  if (user.earlierAttempt) {
    const existing = await searchEarlierCustomer(appUserId, deps.stripe, stripe, isStale);
    if (existing) return { customerId: existing, appUserId, source: 'found', persisted: persist(existing) };
  }

  // Clerk is asked only when neither the row (an older row may hold '') nor the token (the documented template carries
  // it) has an email.
  const email = user.email || identity.email || ((await ctx.time('auth', () => callUpstream('auth', () => deps.clerk.primaryEmail(identity.clerkUserId)))) ?? '');
  if (!user.email && email) rowEmail = email;
  const params: Stripe.CustomerCreateParams = { ...(email && { email }), metadata: { clerkUserId: identity.clerkUserId, appUserId } };
  for (let generation = 0; generation < KEY_GENERATIONS; generation++) {
    let customer: Stripe.Customer;
    try {
      // One key per user and generation: concurrent or retried first checkouts all get the same customer back.
      customer = await stripe(() => deps.stripe.customers.create(params, { idempotencyKey: keyFor(appUserId, generation) }));
    } catch (err) {
      if (isStoredFailure(err)) continue;
      throw err;
    }
    // Within 24 h an earlier key replays a customer that was deleted behind our back.
    if (isStale(customer.id)) continue;
    return { customerId: customer.id, appUserId, source: 'created', persisted: persist(customer.id), rowEmail };
  }
  throw new BillingError('stripe_unavailable', 'The payment provider did not answer in time. Nothing was charged; please try again.');
}

// Finds or lazily creates the buyer's Stripe customer with the fewest sequential round trips, never two per user.
import type Stripe from 'stripe';
import type { Db } from '@/db/client';
import { findUserByClerkId, saveStripeCustomerId, upsertUser } from '@/db/queries';
import type { ClerkUsers } from './clerk-users';
import { callUpstream } from './errors';
import type { BuyerIdentity } from './identity';
import type { RequestContext } from './request-context';

export interface CustomerDeps {
  db: Db;
  stripe: Stripe;
  clerk: ClerkUsers;
}

export type PersistOutcome = 'not_needed' | 'saved' | 'already_set' | 'failed';

export interface EnsuredCustomer {
  customerId: string;
  appUserId: string;
  /** Where the id came from: the token's claim, the user row, or a customer created just now. */
  source: 'claim' | 'row' | 'created';
  /** Saving a new id runs beside the session create; it never rejects (a failure is repaired later). */
  persisted: Promise<PersistOutcome>;
}

export async function ensureStripeCustomer(identity: BuyerIdentity, deps: CustomerDeps, ctx: RequestContext): Promise<EnsuredCustomer> {
  const done = Promise.resolve<PersistOutcome>('not_needed');
  // Fast path: the signed token already says who the customer is, so no database read sits on the critical path.
  if (identity.stripeCustomerId && identity.appUserId) {
    return { customerId: identity.stripeCustomerId, appUserId: identity.appUserId, source: 'claim', persisted: done };
  }

  const db = <T>(query: () => Promise<T>) => ctx.time('db', () => callUpstream('db', query));
  let user = await db(() => findUserByClerkId(deps.db, identity.clerkUserId));
  if (!user) {
    // The sign-up sync has not run yet: create the row now rather than failing the purchase.
    const email = identity.email ?? (await ctx.time('auth', () => callUpstream('auth', () => deps.clerk.primaryEmail(identity.clerkUserId)))) ?? '';
    user = await db(() => upsertUser(deps.db, identity.clerkUserId, email));
  }
  if (user.stripeCustomerId) {
    return { customerId: user.stripeCustomerId, appUserId: user.id, source: 'row', persisted: done };
  }

  const appUserId = user.id;
  // One idempotency key per user: concurrent or retried first checkouts all get the same customer back from Stripe.
  const customer = await ctx.time('stripe', () =>
    callUpstream('stripe', () =>
      deps.stripe.customers.create(
        { ...(user.email && { email: user.email }), metadata: { clerkUserId: identity.clerkUserId, appUserId } },
        { idempotencyKey: `customer-for-${appUserId}` },
      ),
    ),
  );
  // Because the key is per user, a concurrent winner stored this very id; losing the race changes nothing.
  const persisted = ctx
    .time('db', () => saveStripeCustomerId(deps.db, appUserId, customer.id))
    .then((stored): PersistOutcome => (stored ? 'saved' : 'already_set'))
    .catch((): PersistOutcome => 'failed');
  return { customerId: customer.id, appUserId, source: 'created', persisted };
}

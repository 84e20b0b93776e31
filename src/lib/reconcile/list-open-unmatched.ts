// The paid sessions still waiting for a person: recorded as unmatched and not yet credited or dismissed.
import type { Db } from '@/db/client';
import { listOpenUnmatchedCheckouts } from '@/db/reconcile';
import type { UnmatchedCheckout } from '@/db/schema';
import { callUpstream } from '@/lib/http';

export type OpenUnmatched = Pick<UnmatchedCheckout, 'stripeCheckoutSessionId' | 'reason' | 'clerkUserId' | 'amountCents' | 'currency'>;

export async function listOpenUnmatched(db: Db): Promise<OpenUnmatched[]> {
  const rows = await callUpstream('db', () => listOpenUnmatchedCheckouts(db));
  return rows.map(({ stripeCheckoutSessionId, reason, clerkUserId, amountCents, currency }) => ({ stripeCheckoutSessionId, reason, clerkUserId, amountCents, currency }));
}

// The paid sessions still waiting for a person: recorded as unmatched and not yet credited or dismissed.
import type { Db } from '@/db/client';
import { listUnmatched } from '@/db/operator';
import type { UnmatchedCheckout } from '@/db/schema';
import { callUpstream } from '@/lib/http';

export type OpenUnmatched = Pick<UnmatchedCheckout, 'stripeCheckoutSessionId' | 'reason' | 'clerkUserId' | 'amountCents' | 'currency'>;

export async function listOpenUnmatched(db: Db): Promise<OpenUnmatched[]> {
  // The operator's own list (billing:unmatched), so the report and the tool can never disagree on what is open.
  const rows = await callUpstream('db', () => listUnmatched(db));
  return rows.map(({ sessionId, reason, clerkUserId, amountCents, currency }) => ({ stripeCheckoutSessionId: sessionId, reason, clerkUserId, amountCents, currency }));
}

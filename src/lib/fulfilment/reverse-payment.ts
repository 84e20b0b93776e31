// Takes credits back for a refund or dispute of one payment. When the purchase has not been credited yet (the refund's
// event overtook the checkout's), it fulfils the payment's session first, so the order events arrive in never
// changes the ledger they leave.
import { reverseCredits, type Reversal, type ReversalResult } from '@/db/fulfilment';
import { callUpstream } from '@/lib/http';
import { fulfilCheckout, type FulfilmentDeps, type FulfilmentResult } from './fulfil-checkout';

export type ReversalOutcome = ReversalResult & { fulfilment?: FulfilmentResult };

export async function reversePayment(reversal: Reversal, deps: FulfilmentDeps): Promise<ReversalOutcome> {
  if (!reversal.now && deps.now) reversal = { ...reversal, now: deps.now() };
  const first = await callUpstream('db', () => reverseCredits(deps.db, reversal));
  if (first.purchaseFound) return first;
  const sessions = await callUpstream('stripe', () =>
    deps.stripe.checkout.sessions.list({ payment_intent: reversal.stripePaymentIntentId, limit: 1 }),
  );
  const session = sessions.data[0];
  if (!session) return first;
  const fulfilment = await fulfilCheckout(session.id, deps);
  if (fulfilment.outcome !== 'credited' && fulfilment.outcome !== 'already_credited') return { ...first, fulfilment };
  return { ...(await callUpstream('db', () => reverseCredits(deps.db, reversal))), fulfilment };
}

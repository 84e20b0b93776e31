// Success page: fulfils the session for its signed-in owner (so credits show before the webhook lands) and shows
// what was bought. Anyone else, signed out or not, gets a plain 404 that says nothing about the session.
import { auth } from '@clerk/nextjs/server';
import { notFound } from 'next/navigation';
import { BillingError } from '@/lib/http';
import { formatMoney } from '@/lib/receipts';
import { fulfilCheckout } from '@/lib/fulfilment';
import { billingServices } from '@/lib/services';
import { AccountBar } from '../../account-bar';

export const dynamic = 'force-dynamic';

export default async function SuccessPage({ searchParams }: { searchParams: Promise<{ session_id?: string | string[] }> }) {
  const [{ userId }, { session_id: sessionId }] = await Promise.all([auth(), searchParams]);
  if (!userId || typeof sessionId !== 'string') notFound();

  const bar = <AccountBar returnTo={`/purchase/success?session_id=${encodeURIComponent(sessionId)}`} />;
  let result;
  try {
    result = await fulfilCheckout(sessionId, billingServices(), { ownerClerkUserId: userId });
  } catch (err) {
    if (err instanceof BillingError && err.code === 'not_found') notFound();
    return (
      <main className="page narrow">
        {bar}
        <h1>Payment received</h1>
        <p>We could not confirm your credits just yet. They will appear shortly; reload this page in a moment.</p>
        <a className="button" href="/">Back to pricing</a>
      </main>
    );
  }

  if (result.outcome === 'unmatched') {
    // Paid, but not credited automatically: recorded and alerted; someone will confirm it. Never "Thank you!" here.
    return (
      <main className="page narrow">
        <h1>We are confirming your purchase</h1>
        <p>Your payment was received. We are confirming it before your credits are added; this needs no action from you.</p>
        <a className="button" href="/">Back to pricing</a>
      </main>
    );
  }
  const pending = result.outcome === 'pending';
  const failed = result.outcome === 'failed';
  if (result.outcome === 'not_complete') {
    return (
      <main className="page narrow">
        {bar}
        <h1>Checkout not finished</h1>
        <p>This checkout has not been paid, so nothing was charged and no credits were added.</p>
        <a className="button" href="/">Back to pricing</a>
      </main>
    );
  }
  return (
    <main className="page narrow">
      {bar}
      <h1>{failed ? 'Payment failed' : pending ? 'Payment processing' : 'Thank you!'}</h1>
      {result.price && (
        <p>
          {result.price.label}: {formatMoney(result.price.amountCents, result.price.currency)} for {result.price.creditQty} {result.price.creditQty === 1 ? 'credit' : 'credits'}.
        </p>
      )}
      {pending && <p>Your payment is still being processed. Your credits will be added as soon as it clears.</p>}
      {failed && <p>Your payment did not go through, and no credits were added. You have not been charged.</p>}
      {result.balance !== null && (
        <p className="balance">
          Your balance: <strong data-testid="balance">{result.balance}</strong> {result.balance === 1 ? 'credit' : 'credits'}
        </p>
      )}
      <p className="actions">
        <a className="button" href="/">Back to pricing</a> <a className="button secondary" href="/purchases">Your purchases</a>
      </p>
    </main>
  );
}

// Purchase history: the signed-in buyer's purchases (date, pack, amount, credits, status, receipt) and their balance
// with its ledger entries. Server-rendered, no JavaScript needed. Signed out: a page asking to sign in (it comes back).
import { auth } from '@clerk/nextjs/server';
import { listPurchaseHistory } from '@/db/receipts';
import { formatMoney, purchaseStatus } from '@/lib/receipts';
import { getPriceConfig } from '@/lib/checkout';
import { billingServices } from '@/lib/services';
import { AccountBar, signInHref } from '../account-bar';

export const dynamic = 'force-dynamic';

const day = (d: Date) => d.toISOString().slice(0, 10);
const entryLabels: Record<string, string> = {
  purchase: 'Purchase',
  refund: 'Refund',
  dispute_withdrawn: 'Dispute: credits withdrawn',
  dispute_reinstated: 'Dispute won: credits restored',
  adjustment: 'Adjustment',
  spend: 'Used',
  hold: 'Reserved',
  hold_release: 'Reservation released',
  hold_confirm: 'Reservation used',
  hold_reversed: 'Reservation taken back by a refund or dispute',
  refund_failed: 'Refund failed: credits restored',
};

export default async function PurchasesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { userId } = await auth();
  if (!userId) {
    return (
      <main className="page narrow">
        <AccountBar returnTo="/purchases" />
        <h1>Your purchases</h1>
        <p>Sign in to see your purchases, receipts and balance.</p>
        <p className="actions">
          <a className="button" href={signInHref('/purchases')}>Sign in</a> <a className="button secondary" href="/">Pricing</a>
        </p>
      </main>
    );
  }
  const { db, prices } = billingServices();
  // The balance history is paged, newest first: `?before=<cursor>` shows the entries older than the cursor.
  const { before } = await searchParams;
  const history = await listPurchaseHistory(db, userId, { before: typeof before === 'string' ? before : null });
  const credits = (n: number) => `${n} ${Math.abs(n) === 1 ? 'credit' : 'credits'}`;
  return (
    <main className="page">
      <AccountBar returnTo="/purchases" />
      <header className="masthead">
        <h1>Your purchases</h1>
        <p className="balance">
          Your balance: <strong data-testid="balance">{history.balance ?? 0}</strong> {history.balance === 1 ? 'credit' : 'credits'}
        </p>
      </header>
      {history.purchases.length === 0 ? (
        <p>No purchases yet.</p>
      ) : (
        <table className="history" data-testid="purchases">
          <thead>
            <tr><th>Date</th><th>Pack</th><th>Amount</th><th>Credits</th><th>Status</th><th>Receipt</th></tr>
          </thead>
          <tbody>
            {history.purchases.map((p) => (
              <tr key={p.id} data-purchase={p.id}>
                <td>{day(p.createdAt)}</td>
                <td>{getPriceConfig(p.priceId, prices)?.label ?? 'Workshop credits'}</td>
                <td>{formatMoney(p.amountCents, p.currency)}</td>
                <td>{p.creditQty}</td>
                <td data-testid="status">
                  {purchaseStatus(p)}
                  {p.shortfall > 0 && ` (${credits(p.shortfall)} already used)`}
                </td>
                <td>{p.stripePaymentIntentId && p.status === 'paid' ? <a href={`/purchases/${p.id}/receipt`}>Receipt</a> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Balance history</h2>
      <ul className="entries" data-testid="entries">
        {history.entries.map((e) => (
          <li key={e.id}>
            {day(e.createdAt)} · {entryLabels[e.kind] ?? e.kind}: {e.credits > 0 ? '+' : ''}{e.credits}
            {e.shortfall > 0 && ` (${credits(e.shortfall)} could not be taken back)`}
          </li>
        ))}
      </ul>
      {history.older && (
        <a data-testid="older" href={`/purchases?before=${encodeURIComponent(history.older)}`}>Older</a>
      )}
      <a className="button" href="/">Back to pricing</a>
    </main>
  );
}

// Cancel page: the buyer left Stripe's checkout; nothing was charged.
import { AccountBar } from '../../account-bar';

export const dynamic = 'force-dynamic';

export default function CancelPage() {
  return (
    <main className="page narrow">
      <AccountBar returnTo="/purchase/cancel" />
      <h1>Checkout cancelled</h1>
      <p>Nothing was charged. You can pick a package again whenever you are ready.</p>
      <a className="button" href="/">Back to pricing</a>
    </main>
  );
}

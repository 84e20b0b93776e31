// Pricing page: both products from the server's price map, each with a Buy Now form that works without JavaScript.
import { auth } from '@clerk/nextjs/server';
import { findCreditBalance } from '@/db/queries';
import { env } from '@/env';
import { formatMoney } from '@/lib/billing/format-money';
import { billingServices } from '@/lib/billing/services';

export const dynamic = 'force-dynamic';

export default async function PricingPage() {
  const { userId } = await auth();
  const { prices, db } = billingServices();
  const balance = userId ? ((await findCreditBalance(db, userId).catch(() => null)) ?? 0) : null;
  const signInUrl = `${env.NEXT_PUBLIC_SIGN_IN_URL ?? '/sign-in'}?redirect_url=${encodeURIComponent(env.NEXT_PUBLIC_APP_URL)}`;

  return (
    <main className="page">
      <header className="masthead">
        <h1>Workshop credits</h1>
        {balance === null ? (
          <a className="button secondary" href={signInUrl}>Sign in to buy</a>
        ) : (
          <p className="balance" aria-live="polite">
            Your balance: <strong data-testid="balance">{balance}</strong> {balance === 1 ? 'credit' : 'credits'}
          </p>
        )}
      </header>
      <ul className="products" aria-label="Products">
        {prices.map((price) => (
          <li key={price.priceId} className="card">
            <h2>{price.label}</h2>
            <p className="price">{formatMoney(price.amountCents, price.currency)}</p>
            <p>{price.creditQty} workshop {price.creditQty === 1 ? 'credit' : 'credits'}</p>
            {balance === null ? (
              <a className="button" href={signInUrl}>Sign in to buy</a>
            ) : (
              <form method="post" action="/api/billing/checkout">
                <input type="hidden" name="priceId" value={price.priceId} />
                <button className="button" type="submit" aria-label={`Buy ${price.label} now`}>Buy Now</button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </main>
  );
}

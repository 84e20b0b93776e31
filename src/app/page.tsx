// Pricing page: both products from the server's price map, each with a Buy Now form that works without JavaScript.
// `?buy=<priceId>` is where a Buy Now whose session had expired lands (after the middleware's handshake refreshed
// it): a one-click Continue for that pack. `?notice=<code>` shows our own text for a failed Buy Now.
import { auth } from '@clerk/nextjs/server';
import { findCreditBalance } from '@/db/fulfilment';
import { formatMoney } from '@/lib/receipts';
import { getPriceConfig, noticeText } from '@/lib/checkout';
import { billingServices } from '@/lib/services';
import { AccountBar, signInHref } from './account-bar';

export const dynamic = 'force-dynamic';

// The Continue form submits itself only when this tab pressed Buy Now for that pack moments ago (sessionStorage is
// per tab and written only by our own forms), so a link from another site never starts a checkout by itself.
// Plain inline JavaScript, not a client component: it must run before hydration, on the first paint.
const INTENT_SCRIPT = `(() => {
  const KEY = 'buy-intent', FRESH_MS = 120000;
  document.addEventListener('submit', (e) => {
    const id = e.target instanceof HTMLFormElement && e.target.dataset.buyIntent;
    if (id) sessionStorage.setItem(KEY, JSON.stringify({ priceId: id, at: Date.now() }));
    // A pending state while the checkout request runs (under next dev the first press can take seconds).
    const button = e.target instanceof HTMLFormElement && e.target.querySelector('button[type=submit]');
    if (button) { button.dataset.label = button.textContent; button.setAttribute('aria-busy', 'true'); button.textContent = 'Opening checkout…'; }
  }, true);
  // Coming back from Stripe's page (bfcache) must not show a button still pending.
  window.addEventListener('pageshow', () => document.querySelectorAll('button[aria-busy]').forEach((b) => {
    b.removeAttribute('aria-busy'); b.textContent = b.dataset.label;
  }));
  // Consumed by the first page load after the press, whatever it shows (a notice page must not leave it for later).
  let intent = null;
  try { intent = JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch {}
  sessionStorage.removeItem(KEY);
  const form = document.querySelector('form[data-continue]');
  if (form && intent && intent.priceId === form.dataset.continue && Date.now() - intent.at < FRESH_MS) form.requestSubmit();
})();`;

type Search = Promise<{ buy?: string | string[]; notice?: string | string[] }>;
const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);

export default async function PricingPage({ searchParams }: { searchParams: Search }) {
  const [{ userId }, query] = await Promise.all([auth(), searchParams]);
  const { prices, db } = billingServices();
  const balance = userId ? ((await findCreditBalance(db, userId).catch(() => null)) ?? 0) : null;
  const chosen = getPriceConfig(one(query.buy), prices);
  const notice = noticeText(one(query.notice));
  const returnTo = chosen ? `/?buy=${encodeURIComponent(chosen.priceId)}` : '/';
  const signInUrl = signInHref(returnTo);

  return (
    <main className="page">
      <AccountBar returnTo={returnTo} />
      <header className="masthead">
        <h1>Workshop credits</h1>
        {balance !== null && (
          <p className="balance" aria-live="polite">
            Your balance: <strong data-testid="balance">{balance}</strong> {balance === 1 ? 'credit' : 'credits'}
            {' · '}<a href="/purchases">Your purchases</a>
          </p>
        )}
      </header>
      {notice && (
        <p className="notice" role="alert">
          {notice}
        </p>
      )}
      {chosen && (
        <section className="continue" aria-label="Your choice">
          {balance === null ? (
            <>
              <p>
                You chose <strong>{chosen.label}</strong>, {formatMoney(chosen.amountCents, chosen.currency)}. Sign in to continue to payment.
              </p>
              <a className="button" href={signInUrl}>Sign in to continue</a>
            </>
          ) : (
            <form method="post" action="/api/billing/checkout" data-continue={chosen.priceId}>
              <input type="hidden" name="priceId" value={chosen.priceId} />
              <button className="button" type="submit">
                Continue: {chosen.label}, {formatMoney(chosen.amountCents, chosen.currency)}
              </button>
            </form>
          )}
        </section>
      )}
      <ul className="products" aria-label="Products">
        {prices.map((price) => (
          <li key={price.priceId} className="card">
            <h2>{price.label}</h2>
            <p className="price">{formatMoney(price.amountCents, price.currency)}</p>
            <p>{price.creditQty} workshop {price.creditQty === 1 ? 'credit' : 'credits'}</p>
            {balance === null ? (
              <a className="button" href={signInHref(`/?buy=${encodeURIComponent(price.priceId)}`)}>Sign in to buy</a>
            ) : (
              <form method="post" action="/api/billing/checkout" data-buy-intent={price.priceId}>
                <input type="hidden" name="priceId" value={price.priceId} />
                <button className="button" type="submit" aria-label={`Buy ${price.label} now`}>Buy Now</button>
              </form>
            )}
          </li>
        ))}
      </ul>
      <script dangerouslySetInnerHTML={{ __html: INTENT_SCRIPT }} />
    </main>
  );
}

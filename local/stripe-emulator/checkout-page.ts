// The hosted Checkout page (`/c/pay/:id`) as plain, accessible HTML: what the buyer sees, with forms whose
// buttons drive the same transitions a real payment would (pay now, pay with a delayed method, cancel).
import type { CheckoutSessionObject, LineItemObject } from './types';

// Stripe amounts are in the currency's minor unit; these currencies have none (or three decimals) at Stripe.
const ZERO_DECIMAL = new Set([
  'bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf',
]);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

export function formatMoney(amount: number, currency: string): string {
  const c = currency.toLowerCase();
  const digits = ZERO_DECIMAL.has(c) ? 0 : THREE_DECIMAL.has(c) ? 3 : 2;
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: c.toUpperCase(),
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(amount / 10 ** digits);
  } catch {
    return `${(amount / 10 ** digits).toFixed(digits)} ${c.toUpperCase()}`;
  }
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
  body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
  table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
  th, td { text-align: left; padding: .5rem; border-bottom: 1px solid #ddd; }
  td.num, th.num { text-align: right; }
  button { font: inherit; padding: .6rem 1.2rem; margin: .25rem .5rem .25rem 0; cursor: pointer; }
  button:focus-visible, a:focus-visible { outline: 3px solid #635bff; outline-offset: 2px; }
  .note { color: #555; font-size: .9rem; }`;

function layout(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${main}
</main>
</body>
</html>`;
}

export function renderCheckoutPage(session: CheckoutSessionObject, items: LineItemObject[]): string {
  const currency = session.currency ?? 'usd';
  const base = `/c/pay/${encodeURIComponent(session.id)}`;
  const rows = items
    .map(
      (item) => `<tr>
  <th scope="row">${escapeHtml(item.description ?? '')}</th>
  <td class="num">${item.quantity ?? 1}</td>
  <td class="num">${escapeHtml(formatMoney(item.amount_total, item.currency))}</td>
</tr>`,
    )
    .join('\n');
  const total = escapeHtml(formatMoney(session.amount_total ?? 0, currency));
  const cancel = session.cancel_url
    ? `<p><a href="${base}/cancel">Cancel and return to the merchant</a></p>`
    : '';
  return layout(
    `Pay ${total} — Checkout (local Stripe emulator)`,
    `<h1>Checkout</h1>
<p class="note">Local Stripe emulator — test mode, no real payment is made.</p>
<table>
<caption>Order summary</caption>
<thead><tr><th scope="col">Product</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><th scope="row" colspan="2">Total due</th><td class="num" data-testid="total">${total}</td></tr></tfoot>
</table>
<form method="post" action="${base}/pay">
${session.allow_promotion_codes ? '  <p><label>Promotion code <input name="promotion_code" autocomplete="off"></label></p>\n' : ''}  <button type="submit" name="method" value="card">Pay ${total}</button>
  <button type="submit" name="method" value="delayed" aria-describedby="delayed-note">Pay with delayed method</button>
  <p id="delayed-note" class="note">A delayed method (like a bank debit) completes checkout now and settles later.</p>
</form>
${cancel}`,
  );
}

export function renderMessagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}

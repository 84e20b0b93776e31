// The dashboard's page frame and escaping: plain server-rendered HTML, forms that POST and redirect back, no JavaScript.
import { escapeHtml } from '../stripe-emulator/checkout-page';

export const esc = (value: string | number | boolean | null | undefined): string => escapeHtml(String(value ?? ''));

export const money = (cents: number | null | undefined, currency = 'usd') => (cents == null ? '' : `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`);
export const when = (unixSeconds: number | null | undefined) => (unixSeconds ? new Date(unixSeconds * 1000).toISOString().replace('T', ' ').slice(0, 19) : '');

export function table(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '<p class="empty">None yet.</p>';
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A one-button form posting to an action; `fields` become hidden inputs, `extra` is raw markup (an amount input). */
export function actionForm(action: string, label: string, fields: Record<string, string>, extra = ''): string {
  const hidden = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
  return `<form method="post" action="/actions/${esc(action)}">${hidden}${extra}<button>${esc(label)}</button></form>`;
}

export const PAGES = [
  ['/', 'Payments'],
  ['/sessions', 'Checkout Sessions'],
  ['/events', 'Events'],
  ['/ledger', 'Ledger & users'],
  ['/controls', 'Faults & clock'],
] as const;

export function page(title: string, path: string, body: string, flash?: string): string {
  const nav = PAGES.map(([href, label]) => `<a href="${href}"${href === path ? ' aria-current="page"' : ''}>${esc(label)}</a>`).join(' ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} · local dashboard</title><style>
body{font:14px system-ui,sans-serif;margin:1.5rem;color:#1a1a2e}nav a{margin-right:1rem}a[aria-current]{font-weight:700}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}
form{display:inline-block;margin:0 .3rem .2rem 0}input{width:6rem}.flash{background:#eef6ee;border:1px solid #9c9;padding:.5rem}
.error{background:#fbeeee;border-color:#c99}.empty{color:#777}code{font-size:12px}
</style></head><body><p><strong>Local dashboard</strong> — test mode, this machine only</p><nav>${nav}</nav>
${flash ?? ''}<h1>${esc(title)}</h1>${body}</body></html>`;
}

// GET /purchases/:id/receipt's core: sends the purchase's owner to Stripe's receipt for its charge (303). Anyone else,
// signed out included, and any unknown id get the same bare 404 page; Stripe failing gets a 502 page (retry helps).
import type Stripe from 'stripe';
import type { Db } from '@/db/client';
import { findOwnPurchase } from '@/db/receipts';
import { BillingError, callUpstream } from '@/lib/http';

export interface ReceiptDeps {
  db: Db;
  stripe: Stripe;
  /** The signed-in buyer (Clerk's auth() in the route); null when signed out. */
  clerkUserId: string | null;
}

// The app's page look (src/app/globals.css) inlined: this answer is a plain Response from the route, outside Next's
// pages and their stylesheet.
const STYLE = `body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#16181d;background:#f6f7fb;line-height:1.5}
main{max-width:560px;margin:0 auto;padding:2rem 1.25rem}h1{font-size:clamp(1.6rem,4vw,2.2rem);margin:0 0 1rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem}
.button{display:inline-block;border:2px solid #2b4fd8;background:#2b4fd8;color:#fff;font-weight:600;padding:.65rem 1.2rem;border-radius:8px;text-decoration:none}
.secondary{background:#fff;color:#2b4fd8}`;

const page = (status: number, title: string, text: string) =>
  new Response(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Workshop credits</title><link rel="icon" href="/icon.svg" type="image/svg+xml"><style>${STYLE}</style></head><body><main><h1>${title}</h1><p>${text}</p><p class="actions"><a class="button" href="/purchases">Your purchases</a> <a class="button secondary" href="/">Pricing</a></p></main></body></html>`, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });

export async function handleReceipt(purchaseId: string, deps: ReceiptDeps): Promise<Response> {
  try {
    if (!deps.clerkUserId || !/^pur_[a-z0-9]{1,64}$/.test(purchaseId)) throw new BillingError('not_found', 'No such purchase.');
    const clerkUserId = deps.clerkUserId;
    const purchase = await callUpstream('db', () => findOwnPurchase(deps.db, purchaseId, clerkUserId));
    const intentId = purchase?.stripePaymentIntentId;
    if (!intentId) throw new BillingError('not_found', 'No such purchase.');
    const intent = await callUpstream('stripe', () => deps.stripe.paymentIntents.retrieve(intentId, { expand: ['latest_charge'] }));
    const charge = intent.latest_charge;
    const url = typeof charge === 'object' && charge ? charge.receipt_url : null;
    if (!url) throw new BillingError('not_found', 'No receipt yet.');
    return new Response(null, { status: 303, headers: { location: url, 'cache-control': 'no-store' } });
  } catch (err) {
    if (err instanceof BillingError && err.code === 'not_found') return page(404, 'Not found', 'There is no such receipt.');
    if (err instanceof BillingError && err.code === 'database_unavailable') return page(503, 'Receipt unavailable', 'Please try again in a moment.');
    return page(502, 'Receipt unavailable', 'The payment provider did not answer. Please try again in a moment.');
  }
}

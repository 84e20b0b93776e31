// GET /purchases/:id/receipt's core: sends the purchase's owner to Stripe's receipt for its charge (303). Anyone else,
// signed out included, and any unknown id get the same bare 404 page; Stripe failing gets a 502 page (retry helps).
import type Stripe from 'stripe';
import type { Db } from '@/db/client';
import { findOwnPurchase } from '@/db/receipts';
import { BillingError, callUpstream, htmlPage } from '@/lib/http';

export interface ReceiptDeps {
  db: Db;
  stripe: Stripe;
  /** The signed-in buyer (Clerk's auth() in the route); null when signed out. */
  clerkUserId: string | null;
}

const page = (status: number, title: string, text: string) =>
  htmlPage(
    status,
    title,
    `<p>${text}</p><p class="actions"><a class="button" href="/purchases">Your purchases</a> <a class="button secondary" href="/">Pricing</a></p>`,
    { 'cache-control': 'no-store' },
  );

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

// Helpers for the ledger tests: a paid purchase made through the real checkout core and the emulator's hosted page,
// Stripe-signed events delivered to the webhook core, and the buyer's ledger read back with plain SQL.
import type Stripe from 'stripe';
import { expect } from 'vitest';
import { handleStripeWebhook, type WebhookDeps } from '@/lib/fulfilment/handle-stripe-webhook';
import type { LogLine } from '@/lib/http/request-context';
import { checkoutHarness } from './checkout';
import { newClerkUserId, stack } from './stack';

export type Harness = Awaited<ReturnType<typeof checkoutHarness>>;

export async function ledgerHarness() {
  const h = await checkoutHarness();
  const logs: LogLine[] = [];
  const deps: WebhookDeps = { db: h.db, stripe: h.stripe, prices: h.prices, markerKey: h.markerKey, webhookSecret: h.webhookSecret, log: (line) => void logs.push(line) };
  let counter = 0;

  /** Opens a checkout for a new buyer and pays it on the emulator; nothing is delivered yet. */
  async function paidPurchase(priceId = h.env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!, label = 'ledger') {
    const userId = newClerkUserId(label);
    const response = await h.checkout({ token: await stack.mintToken({ userId, email: `${userId}@example.com` }), body: h.priceBody(priceId) });
    expect(response.status).toBe(303);
    const sessionId = response.headers.get('location')!.split('/').pop()!;
    await stack.stripe('completeSession', sessionId);
    const session = await h.stripe.checkout.sessions.retrieve(sessionId);
    const intent = await h.stripe.paymentIntents.retrieve(session.payment_intent as string);
    return { userId, sessionId, paymentIntentId: intent.id, chargeId: intent.latest_charge as string };
  }

  /** A minimal, correctly signed event naming an object: the handlers re-read everything else from Stripe. */
  function event(type: string, object: { id: string; object: string; charge?: string }): string {
    return JSON.stringify({ id: `evt_ledger_${Date.now()}_${counter++}`, object: 'event', type, data: { object } });
  }

  async function deliver(payload: string): Promise<{ status: number; body: { outcome?: string } }> {
    const signature = await h.stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: h.webhookSecret });
    const response = await handleStripeWebhook(
      new Request(`${h.appUrl}/api/billing/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload }),
      deps,
    );
    return { status: response.status, body: (await response.json()) as { outcome?: string } };
  }

  /** Delivers each payload `times` times one after another, then all of them `times` times at once. */
  async function deliverRepeatedly(payloads: string[], times = 3): Promise<void> {
    for (const p of payloads) for (let i = 0; i < times; i++) expect((await deliver(p)).status).toBe(200);
    const concurrent = await Promise.all(payloads.flatMap((p) => Array.from({ length: times }, () => deliver(p))));
    expect(concurrent.map((r) => r.status)).toEqual(Array(concurrent.length).fill(200));
  }

  return {
    h,
    deps,
    logs,
    paidPurchase,
    event,
    deliver,
    deliverRepeatedly,
    completed: (sessionId: string) => event('checkout.session.completed', { id: sessionId, object: 'checkout.session' }),
    refunded: (chargeId: string) => event('charge.refunded', { id: chargeId, object: 'charge' }),
    refundCreated: (refund: Stripe.Refund) => event('refund.created', { id: refund.id, object: 'refund', charge: refund.charge as string }),
    dispute: (type: string, disputeId: string) => event(type, { id: disputeId, object: 'dispute' }),
  };
}

export interface LedgerRow { kind: string; credits: number; shortfall: number }

/** The buyer's balance and entries (kind, credits, shortfall), entries sorted so two ledgers compare as sets. */
export async function ledgerOf(clerkUserId: string): Promise<{ balance: number; entries: LedgerRow[] }> {
  const [user] = await stack.neon<{ id: string; credit_balance: number }[]>('query', 'select id, credit_balance from users where clerk_user_id = $1', [clerkUserId]);
  const rows = await stack.neon<LedgerRow[]>('query', 'select kind, credits, shortfall from credit_entries where user_id = $1', [user?.id ?? '']);
  const entries = rows
    .map((r) => ({ kind: r.kind, credits: Number(r.credits), shortfall: Number(r.shortfall) }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.credits - b.credits || a.shortfall - b.shortfall);
  return { balance: Number(user?.credit_balance), entries };
}

/** Spends credits the way issue 14's spend does at the ledger level: an entry and the balance, in one statement. */
export async function spend(clerkUserId: string, credits: number): Promise<void> {
  await stack.neon('query', `
    with u as (update users set credit_balance = credit_balance - $2 where clerk_user_id = $1 returning id)
    insert into credit_entries (id, user_id, kind, credits, cause) select 'cre_test_' || md5(random()::text), id, 'spend', -$2, 'spend:test:' || md5(random()::text) from u`,
  [clerkUserId, credits]);
}

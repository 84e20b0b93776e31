// The model's sequences the whole way through: purchases through the checkout core and the Stripe emulator's hosted
// page, refunds, failed refunds and disputes made on the emulator and their Stripe-signed events delivered to the
// webhook core, spends and holds through the credits core (buyer session or service secret), all over the Neon
// endpoint to the run's Postgres server. Redeliveries resend the charge's events in reverse order.
import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { handleCreditsRequest, type CreditsDeps } from '@/lib/credits/handle-credits-request';
import { handleStripeWebhook, type WebhookDeps } from '@/lib/fulfilment/handle-stripe-webhook';
import { runAdjust } from '../../scripts/billing/adjust';
import { checkoutHarness } from '../support/checkout';
import { creditsRequest } from '../support/credits';
import { newClerkUserId, stack } from '../support/stack';
import { LedgerDriver, type Answer, type Charge, type LedgerPort, type Observed } from './ledger-driver';
import type { Actor } from './ledger-model';

type Harness = Awaited<ReturnType<typeof checkoutHarness>>;

export class FullStackDriver implements LedgerPort {
  readonly clerkUserId = newClerkUserId('modelfull');
  private token = '';
  private n = 0;
  private userRowId = '';
  private events = new Map<Charge, string[]>();
  private readonly webhook: WebhookDeps;
  private readonly credits: CreditsDeps;

  constructor(private readonly h: Harness, holdTtlSeconds: number, private readonly clock: () => Date) {
    const log = () => undefined;
    this.webhook = { db: h.db, stripe: h.stripe, prices: h.prices, markerKey: h.markerKey, webhookSecret: h.webhookSecret, log, now: clock };
    this.credits = { ...h, holdTtlSeconds, now: clock, log };
  }

  async init(): Promise<void> {
    this.token = await stack.mintToken({ userId: this.clerkUserId, email: `${this.clerkUserId}@example.com` });
  }

  id(prefix: string): string {
    return `${prefix}_${this.clerkUserId.slice(5)}_${this.n++}`;
  }

  private async deliver(charge: Charge, type: string, object: { id: string; object: string; charge?: string }): Promise<void> {
    const payload = JSON.stringify({ id: `evt_model_${this.id('e')}`, object: 'event', type, data: { object } });
    this.events.set(charge, [...(this.events.get(charge) ?? []), payload]);
    await this.send(payload);
  }

  private async send(payload: string): Promise<void> {
    const signature = await this.h.stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: this.h.webhookSecret });
    const response = await handleStripeWebhook(
      new Request(`${this.h.appUrl}/api/billing/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload }),
      this.webhook,
    );
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
  }

  async buy(charge: Charge): Promise<void> {
    const priceId = charge.p.credits === 1 ? this.h.env.STRIPE_PRICE_SINGLE_FLIGHT! : this.h.env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!;
    const response = await this.h.checkout({ token: this.token, body: this.h.priceBody(priceId) });
    if (response.status !== 303) throw new Error(`checkout answered ${response.status}`);
    const sessionId = response.headers.get('location')!.split('/').pop()!;
    await stack.stripe('completeSession', sessionId);
    const session = await this.h.stripe.checkout.sessions.retrieve(sessionId);
    const intent = await this.h.stripe.paymentIntents.retrieve(session.payment_intent as string);
    charge.paymentIntentId = intent.id;
    charge.chargeId = intent.latest_charge as string;
    await this.deliver(charge, 'checkout.session.completed', { id: sessionId, object: 'checkout.session' });
  }

  async refund(c: Charge): Promise<void> {
    const r = c.refunds.at(-1)!;
    const refund = await this.h.stripe.refunds.create({ charge: c.chargeId!, amount: r.amount });
    r.stripeId = refund.id;
    await this.deliver(c, 'refund.created', { id: refund.id, object: 'refund', charge: c.chargeId! });
  }

  async failRefund(c: Charge, r: Charge['refunds'][number]): Promise<void> {
    await stack.stripe<Stripe.Refund>('endRefund', r.stripeId!, 'failed');
    await this.deliver(c, 'refund.updated', { id: r.stripeId!, object: 'refund', charge: c.chargeId! });
  }

  async dispute(c: Charge): Promise<void> {
    c.dispute!.stripeId = await stack.stripe<string>('openDispute', c.chargeId!, { amount: c.dispute!.amount });
    await this.deliver(c, 'charge.dispute.created', { id: c.dispute!.stripeId, object: 'dispute' });
  }

  async disputeEnd(c: Charge): Promise<void> {
    await stack.stripe('closeDispute', c.dispute!.stripeId!, c.dispute!.status);
    await this.deliver(c, 'charge.dispute.closed', { id: c.dispute!.stripeId!, object: 'dispute' });
  }

  /** Every event of the charge again, newest first: duplicates, and out of their order. */
  async redeliver(c: Charge): Promise<void> {
    for (const payload of [...(this.events.get(c) ?? [])].reverse()) await this.send(payload);
  }

  private async call(actor: Actor, path: string, key: string | null, body: Record<string, unknown>): Promise<Answer> {
    const service = actor === 'service';
    const request = creditsRequest(this.h.appUrl, service ? `service/${path}` : path, {
      key,
      token: service ? undefined : this.token,
      headers: service ? { authorization: `Bearer ${this.h.env.CREDITS_SERVICE_SECRET!}` } : {},
      body: service ? { ...body, buyer: this.clerkUserId } : body,
    });
    const response = await handleCreditsRequest(request, this.credits);
    const json = (await response.json()) as Record<string, { id?: string; code?: string; status?: string; [k: string]: unknown }> & { balance?: number };
    if (response.status >= 400) return { status: response.status, body: { code: json.error!.code } };
    return { status: 200, body: json };
  }

  async spend(actor: Actor, key: string, credits: number): Promise<Answer> {
    const a = await this.call(actor, 'spend', key, { credits });
    if (a.status !== 200) return a;
    const body = a.body as { spend: { id: string }; balance: number };
    return { status: 200, body: { id: body.spend.id, balance: body.balance } };
  }

  async hold(actor: Actor, key: string, credits: number): Promise<Answer> {
    const a = await this.call(actor, 'holds', key, { credits });
    if (a.status !== 200) return a;
    // A replayed hold reports its current state and balance: its id is what a replay must repeat.
    return { status: 200, body: { id: (a.body as { hold: { id: string } }).hold.id } };
  }

  async settle(actor: Actor, holdId: string, action: 'confirm' | 'release'): Promise<Answer> {
    const a = await this.call(actor, `holds/${holdId}/${action}`, null, {});
    if (a.status !== 200) return a;
    return { status: 200, body: { settlement: (a.body as { hold: { status: string } }).hold.status } };
  }

  /** Through the operator's tool, as `npm run billing:adjust` runs it, reading its one line. */
  async adjust(key: string, credits: number): Promise<Answer> {
    const lines: string[] = [];
    const io = { db: this.h.db, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), user: 'model', now: this.clock };
    const code = await runAdjust(['--user', this.clerkUserId, '--credits', String(credits), '--reason', 'model step', '--key', key], io);
    const line = lines.join('\n');
    if (code === 2 && /: refused: /.test(line)) return { status: 200, body: { outcome: 'refused' } };
    if (code !== 0) throw new Error(`billing:adjust exited ${code}: ${line}`);
    const id = /entry (cre_\w+)/.exec(line)?.[1];
    return { status: 200, body: { outcome: line.startsWith('adjusted:') ? 'adjusted' : 'replayed', id } };
  }

  async observe(): Promise<Observed> {
    if (!this.userRowId) {
      const rows = await this.h.db.execute(sql`select id from users where clerk_user_id = ${this.clerkUserId}`);
      this.userRowId = (rows.rows[0]?.id as string | undefined) ?? '';
    }
    if (!this.userRowId) return { balance: 0, entriesSum: 0, usable: 0, held: 0, debt: 0, consumed: 0, liveHolds: 0 };
    return LedgerDriver.observeUser(this.h.db, this.userRowId, this.clock());
  }
}

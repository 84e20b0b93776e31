// Checkout Session state transitions after creation (paid, delayed payment settled, expired) and the events
// each one emits. Both the hosted page and the programmatic test API go through here, so they behave identically.
import { LifecycleError } from './errors';
import { base62, newId } from './ids';
import { createPaymentForSession, settlePayment } from './payments';
import { applyPromotionCode } from './promotion-codes';
import type { EmulatorStore, SessionRecord } from './store';
import { API_VERSION, type CheckoutEventType, type StripeEventObject } from './types';
import type { WebhookDispatcher } from './webhooks';


// Stripe always knows the buyer's email once checkout completes; the hosted page doesn't ask, so fall back to this.
const FALLBACK_BUYER_EMAIL = 'buyer@example.com';

export class SessionLifecycle {
  // Remembers the completion event so paying twice answers with the same event and sends nothing new.
  private readonly completedEvents = new Map<string, string>();

  constructor(
    private readonly store: EmulatorStore,
    private readonly dispatcher: WebhookDispatcher,
    private readonly webhookConfigured: () => boolean,
    private readonly baseUrl: () => string = () => '',
  ) {}

  private record(id: string): SessionRecord {
    const r = this.store.sessionRecord(id);
    if (!r) throw new LifecycleError(`No such checkout.session: '${id}'`, 404);
    return r;
  }

  isComplete(id: string): boolean {
    return this.record(id).session.status === 'complete';
  }

  complete(id: string, opts: { async?: boolean; promotionCode?: string } = {}): string {
    const r = this.record(id);
    const s = r.session;
    const previous = this.completedEvents.get(id);
    if (s.status === 'complete' && previous !== undefined) return previous;
    if (s.status !== 'open') throw new LifecycleError(`Checkout Session ${id} is ${s.status ?? 'not open'} and can't be paid.`, 409);
    if (opts.promotionCode !== undefined) applyPromotionCode(this.store, r, opts.promotionCode);
    // With invoice_creation, Stripe finalises a paid invoice (and its PDF) for the payment.
    if (s.invoice_creation?.enabled) s.invoice = `in_1${base62(23)}`;

    const customer = typeof s.customer === 'string' ? this.store.customer(s.customer) : undefined;
    const email = customer?.email ?? s.customer_email ?? FALLBACK_BUYER_EMAIL;
    if (s.customer === null && s.customer_creation === 'always') {
      const created = {
        id: newId.customer(),
        object: 'customer' as const,
        address: null,
        balance: 0,
        created: Math.floor(Date.now() / 1000),
        currency: s.currency,
        default_source: null,
        delinquent: false,
        description: null,
        discount: null,
        email,
        invoice_prefix: newId.invoicePrefix(),
        invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
        livemode: false,
        metadata: {},
        name: null,
        next_invoice_sequence: 1,
        phone: null,
        preferred_locales: [],
        shipping: null,
        tax_exempt: 'none' as const,
        test_clock: null,
      };
      this.store.addCustomer(created);
      s.customer = created.id;
    }
    s.status = 'complete';
    s.payment_status = opts.async ? 'unpaid' : 'paid';
    s.payment_intent = createPaymentForSession(this.store, s, { pending: opts.async === true, receiptBase: this.baseUrl() });
    // Stripe only exposes the hosted URL while the session is open.
    s.url = null;
    s.customer_details = {
      address: null,
      business_name: null,
      email,
      individual_name: null,
      name: customer?.name ?? null,
      phone: customer?.phone ?? null,
      tax_exempt: 'none',
      tax_ids: [],
    };
    r.awaitingAsyncPayment = opts.async === true;
    const eventId = this.emit('checkout.session.completed', r);
    this.completedEvents.set(id, eventId);
    return eventId;
  }

  settle(id: string, outcome: 'succeeded' | 'failed'): string {
    const r = this.record(id);
    if (r.session.status !== 'complete' || !r.awaitingAsyncPayment) {
      throw new LifecycleError(`Checkout Session ${id} has no delayed payment awaiting settlement.`, 409);
    }
    r.awaitingAsyncPayment = false;
    if (typeof r.session.payment_intent === 'string') settlePayment(this.store, r.session.payment_intent, outcome);
    // A failed delayed payment leaves the session complete but unpaid, as at Stripe.
    if (outcome === 'succeeded') r.session.payment_status = 'paid';
    return this.emit(
      outcome === 'succeeded' ? 'checkout.session.async_payment_succeeded' : 'checkout.session.async_payment_failed',
      r,
    );
  }

  expire(id: string): string {
    const r = this.record(id);
    if (r.session.status !== 'open') {
      throw new LifecycleError('Only Checkout Sessions with a status in ["open"] can be expired.', 400);
    }
    r.session.status = 'expired';
    r.session.url = null;
    return this.emit('checkout.session.expired', r);
  }

  /** Re-sends a stored event verbatim (same id and body, fresh signature), as "Resend" in the dashboard does. */
  resend(eventId: string): void {
    const event = this.store.event(eventId);
    if (!event) throw new LifecycleError(`No such event: '${eventId}'`, 404);
    this.dispatcher.dispatch(event, JSON.stringify(event, null, 2));
  }

  private emit(type: CheckoutEventType, r: SessionRecord): string {
    return this.emitEvent(type, structuredClone(r.session));
  }

  /** Stores and sends one event about any object (a session, a charge, a refund, a dispute). */
  emitEvent(type: StripeEventObject['type'], object: StripeEventObject['data']['object']): string {
    const event: StripeEventObject = {
      id: newId.event(),
      object: 'event',
      api_version: API_VERSION,
      created: Math.floor(Date.now() / 1000),
      data: { object },
      livemode: false,
      pending_webhooks: this.webhookConfigured() ? 1 : 0,
      // Customer-driven transitions carry no API request, so Stripe sends nulls here.
      request: { id: null, idempotency_key: null },
      type,
    };
    this.store.addEvent(event);
    // Stripe pretty-prints webhook bodies; receivers must verify the raw bytes, so keep the exact format.
    this.dispatcher.dispatch(event, JSON.stringify(event, null, 2));
    return event.id;
  }
}

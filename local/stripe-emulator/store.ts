// In-memory state of the emulated Stripe account: the price catalogue, customers, checkout sessions (with their
// line items) and events. Callers get deep copies so assertions and responses can't mutate the account.
import type {
  ChargeObject,
  CheckoutSessionObject,
  DisputeObject,
  PaymentIntentObject,
  RefundObject,
  EmulatorPrice,
  EmulatorPromotionCode,
  ProductObject,
  WebhookEndpointObject,
  LineItemObject,
  StripeCustomerObject,
  StripeEventObject,
} from './types';
import { entries, refill } from '../persisted-state';

export interface SessionRecord {
  session: CheckoutSessionObject;
  lineItems: LineItemObject[];
  /** Completed with a delayed payment method and not yet settled. */
  awaitingAsyncPayment: boolean;
}

export class EmulatorStore {
  readonly prices = new Map<string, EmulatorPrice>();
  readonly products = new Map<string, ProductObject>();
  /** Endpoints keep their `secret` here; the API only shows it on creation. */
  readonly webhookEndpoints = new Map<string, WebhookEndpointObject & { secret: string }>();
  /** By code, as customers type it. */
  readonly promotionCodes = new Map<string, EmulatorPromotionCode & { id: string }>();
  private readonly customerMap = new Map<string, StripeCustomerObject>();
  /** When each customer becomes visible to search (Stripe's search index lags behind writes). */
  private readonly searchableAt = new Map<string, number>();
  private readonly sessionMap = new Map<string, SessionRecord>();
  private readonly eventMap = new Map<string, StripeEventObject>();
  private readonly delivered = new Set<string>();
  // The payment side of a paid session (payments.ts, refunds.ts, disputes.ts own their transitions).
  readonly paymentIntents = new Map<string, PaymentIntentObject>();
  readonly charges = new Map<string, ChargeObject>();
  readonly refunds = new Map<string, RefundObject>();
  readonly disputes = new Map<string, DisputeObject>();

  constructor(prices: EmulatorPrice[]) {
    for (const price of prices) this.prices.set(price.id, { ...price });
  }

  addCustomer(customer: StripeCustomerObject, searchableAt = 0): void {
    this.customerMap.set(customer.id, customer);
    this.searchableAt.set(customer.id, searchableAt);
  }

  deleteCustomer(id: string): boolean {
    this.searchableAt.delete(id);
    return this.customerMap.delete(id);
  }

  /** Customers the search index knows about at `now`, oldest first. */
  searchableCustomers(now: number): StripeCustomerObject[] {
    return [...this.customerMap.values()]
      .filter((c) => (this.searchableAt.get(c.id) ?? 0) <= now)
      .map((c) => structuredClone(c));
  }

  customer(id: string): StripeCustomerObject | undefined {
    const c = this.customerMap.get(id);
    return c && structuredClone(c);
  }

  customers(): StripeCustomerObject[] {
    return [...this.customerMap.values()].map((c) => structuredClone(c));
  }

  addSession(record: SessionRecord): void {
    this.sessionMap.set(record.session.id, record);
  }

  /** The live record, for lifecycle transitions; never hand it out. */
  sessionRecord(id: string): SessionRecord | undefined {
    return this.sessionMap.get(id);
  }

  session(id: string): CheckoutSessionObject | undefined {
    const r = this.sessionMap.get(id);
    return r && structuredClone(r.session);
  }

  sessions(): CheckoutSessionObject[] {
    return [...this.sessionMap.values()].map((r) => structuredClone(r.session));
  }

  /** The live sessions, for filtering a list in place; callers copy what they hand out. */
  liveSessions(): CheckoutSessionObject[] {
    return [...this.sessionMap.values()].map((r) => r.session);
  }

  lineItems(sessionId: string): LineItemObject[] | undefined {
    const r = this.sessionMap.get(sessionId);
    return r && structuredClone(r.lineItems);
  }

  addEvent(event: StripeEventObject): void {
    this.eventMap.set(event.id, event);
  }

  event(id: string): StripeEventObject | undefined {
    const e = this.eventMap.get(id);
    return e && structuredClone(e);
  }

  events(): StripeEventObject[] {
    return [...this.eventMap.values()].map((e) => structuredClone(e));
  }

  /** A 2xx from the endpoint: the event no longer counts as undelivered (`delivery_success=false`). Kept beside the
   *  event, not in it, so a resend is byte-identical to the first delivery. */
  markDelivered(id: string): void {
    this.delivered.add(id);
  }

  undelivered(e: StripeEventObject): boolean {
    return e.pending_webhooks > 0 && !this.delivered.has(e.id);
  }

  /** Everything the account holds, as JSON (`npm run local` persists it beside the database). */
  snapshot(): StoreSnapshot {
    return {
      prices: entries(this.prices),
      products: entries(this.products),
      webhookEndpoints: entries(this.webhookEndpoints),
      promotionCodes: entries(this.promotionCodes),
      customers: entries(this.customerMap),
      searchableAt: entries(this.searchableAt),
      sessions: entries(this.sessionMap),
      events: entries(this.eventMap),
      delivered: [...this.delivered],
      paymentIntents: entries(this.paymentIntents),
      charges: entries(this.charges),
      refunds: entries(this.refunds),
      disputes: entries(this.disputes),
    };
  }

  restore(state: Partial<StoreSnapshot>): void {
    refill(this.prices, state.prices);
    refill(this.products, state.products);
    refill(this.webhookEndpoints, state.webhookEndpoints);
    refill(this.promotionCodes, state.promotionCodes);
    refill(this.customerMap, state.customers);
    refill(this.searchableAt, state.searchableAt);
    refill(this.sessionMap, state.sessions);
    refill(this.eventMap, state.events);
    for (const id of state.delivered ?? []) this.delivered.add(id);
    refill(this.paymentIntents, state.paymentIntents);
    refill(this.charges, state.charges);
    refill(this.refunds, state.refunds);
    refill(this.disputes, state.disputes);
  }
}

type Pairs<T> = [string, T][];
export interface StoreSnapshot {
  prices: Pairs<EmulatorPrice>;
  products: Pairs<ProductObject>;
  webhookEndpoints: Pairs<WebhookEndpointObject & { secret: string }>;
  promotionCodes: Pairs<EmulatorPromotionCode & { id: string }>;
  customers: Pairs<StripeCustomerObject>;
  searchableAt: Pairs<number>;
  sessions: Pairs<SessionRecord>;
  events: Pairs<StripeEventObject>;
  delivered: string[];
  paymentIntents: Pairs<PaymentIntentObject>;
  charges: Pairs<ChargeObject>;
  refunds: Pairs<RefundObject>;
  disputes: Pairs<DisputeObject>;
}

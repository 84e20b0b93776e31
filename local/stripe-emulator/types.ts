// Shared shapes for the emulator: the public option/record types and the Stripe object types it returns.
// The object types are Stripe's own (API version 2026-02-25.clover, from the installed SDK) so the compiler
// checks that what the emulator serves is shaped like what the app reads from real Stripe.
import type Stripe from 'stripe';

export const API_VERSION = '2026-02-25.clover';

export interface EmulatorPrice {
  id: string;
  productId: string;
  productName: string;
  unitAmount: number;
  currency: string;
  /** Set by `POST /v1/prices`; seeded prices are active, without a lookup key. */
  lookupKey?: string | null;
  active?: boolean;
  created?: number;
  nickname?: string | null;
  metadata?: Record<string, string>;
}

/** A promotion code customers can enter on the hosted page (a test control; coupons are not emulated). */
export interface EmulatorPromotionCode {
  code: string;
  percentOff?: number;
  amountOff?: number;
}

/**
 * Before execution (nothing runs, nothing stored, the SDK's retry can succeed): `error500`, `timeout`, `drop`,
 * `rate_limit`, `lock_timeout`. During execution: `error500_during` (a 500 stored under the key and replayed).
 * After execution: `drop_after_execute` (the request ran and its result is stored; the response is lost).
 */
export type StripeFaultKind =
  | 'error500'
  | 'timeout'
  | 'drop'
  | 'rate_limit'
  | 'lock_timeout'
  | 'error500_during'
  | 'drop_after_execute';

export interface StripeEmulatorOptions {
  port?: number;
  host?: string;
  secretKey: string;
  prices: EmulatorPrice[];
  webhook?: { url: string; secret: string };
  latencyMs?: number;
  webhookRetryDelaysMs?: number[];
  /** Keep the account in this JSON file: read at start, written on change (npm run local). Default in memory. */
  stateFile?: string;
  /** Requests per second per endpoint before 429 `rate_limit`; unset = no limiter (Stripe test mode: 25). */
  rateLimitPerSecond?: number;
  /** How long a new customer stays invisible to /v1/customers/search (Stripe: eventually consistent, < 1 min). */
  searchLagMs?: number;
}

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  idempotencyKey: string | null;
  /** 0 while unanswered, and for `timeout` / `drop` faults, which never answer. */
  status: number;
  /** Milliseconds from the request's arrival to its answer written out, injected latency included; unset while unanswered. */
  ms?: number;
  fault?: StripeFaultKind;
  replayed?: boolean;
  rateLimited?: boolean;
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  sessionId: string;
  attempt: number;
  /** null when the receiver could not be reached (network error / timeout). */
  status: number | null;
  at: number;
}

export type StripeCustomerObject = Stripe.Customer;
export type CheckoutSessionObject = Stripe.Checkout.Session;
export type LineItemObject = Stripe.LineItem;
export type PriceObject = Stripe.Price;
export type LineItemListObject = Stripe.ApiList<Stripe.LineItem>;
export type PaymentIntentObject = Stripe.PaymentIntent;
export type ChargeObject = Stripe.Charge;
export type RefundObject = Stripe.Refund;
export type DisputeObject = Stripe.Dispute;
export type ProductObject = Stripe.Product;
export type WebhookEndpointObject = Stripe.WebhookEndpoint;

export type CheckoutEventType =
  | 'checkout.session.completed'
  | 'checkout.session.async_payment_succeeded'
  | 'checkout.session.async_payment_failed'
  | 'checkout.session.expired';

export type PaymentEventType =
  | 'charge.succeeded'
  | 'charge.refunded'
  | 'refund.created'
  | 'refund.updated'
  | 'refund.failed'
  | 'charge.refund.updated'
  | 'charge.dispute.created'
  | 'charge.dispute.funds_withdrawn'
  | 'charge.dispute.funds_reinstated'
  | 'charge.dispute.closed';

export interface StripeEventObject {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: CheckoutSessionObject | ChargeObject | RefundObject | DisputeObject };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: CheckoutEventType | PaymentEventType;
}

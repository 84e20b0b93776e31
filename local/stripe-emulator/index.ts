// Public API of the local Stripe emulator: starts a Stripe-compatible HTTP server (driven by the real stripe SDK
// via host/port/protocol) plus the test controls — request log, fault injection, latency, webhook delivery and
// checkout completion — that the app's offline tests and local dev stack rely on.
import { WebhookDispatcher, type WebhookTarget } from './webhooks';
import { EmulatorStore, type StoreSnapshot } from './store';
import { persistState, readState } from '../persisted-state';
import { FaultQueue } from './faults';
import { EmulatorClock } from './clock';
import { IdempotencyStore } from './idempotency';
import { RateLimiter } from './rate-limit';
import { SessionLifecycle } from './lifecycle';
import { createCheckoutSession } from './checkout-sessions';
import type { FormObject } from './form';
import { createEmulatorServer } from './server';
import { closeDispute, openDispute, type OpenDisputeOptions } from './disputes';
import { endRefund, type EmitEvent } from './refunds';
import { endpointTargets, ensureWebhookEndpoint } from './webhook-endpoints';
import { registerPromotionCode } from './promotion-codes';
import type {
  ChargeObject,
  DisputeObject,
  RefundObject,
  StripeEventObject,
  CheckoutSessionObject,
  EmulatorPromotionCode,
  RecordedRequest,
  StripeCustomerObject,
  StripeEmulatorOptions,
  StripeFaultKind,
  WebhookDelivery,
} from './types';

export { API_VERSION } from './types';
export { signatureHeader } from './webhooks';
export type {
  CheckoutEventType,
  CheckoutSessionObject,
  EmulatorPrice,
  EmulatorPromotionCode,
  LineItemListObject,
  LineItemObject,
  PriceObject,
  RecordedRequest,
  StripeCustomerObject,
  StripeEmulatorOptions,
  StripeEventObject,
  StripeFaultKind,
  WebhookDelivery,
} from './types';

export interface StripeEmulator {
  url: string;
  log: RecordedRequest[];
  clearLog(): void;
  setLatency(ms: number): void;
  failNext(opts: { path: string | RegExp; method?: string; count?: number; kind: StripeFaultKind }): void;
  clearFaults(): void;
  /** Moves the emulator's clock forward (idempotency-key expiry, search indexing lag). */
  advanceClock(ms: number): void;
  /** Turns the per-endpoint limiter on at `perSecond` (Stripe test mode: 25), or off with null. */
  setRateLimit(perSecond: number | null): void;
  /** How long a new customer stays invisible to search (default 60 s; Stripe: "up to an hour" during incidents). */
  setSearchLag(ms: number): void;
  /** false: every customer search fails as for an account without the Search API (e.g. merchants in India). */
  setSearchAvailable(available: boolean): void;
  /** Deletes a customer as the Dashboard would, behind the app's back. */
  deleteCustomer(id: string): boolean;
  setWebhook(webhook: { url: string; secret: string } | null): void;
  /** Registers (or finds) a webhook endpoint for `url`, as `stripe:setup` would; returns its id and signing secret. */
  ensureWebhookEndpoint(url: string, events: string[]): { id: string; secret: string };
  customers(): StripeCustomerObject[];
  sessions(): CheckoutSessionObject[];
  getSession(id: string): CheckoutSessionObject | undefined;
  deliveries: WebhookDelivery[];
  completeSession(id: string, opts?: { async?: boolean; promotionCode?: string }): Promise<string>;
  /** Bulk seeding (benchmarks, scale tests): creates each session from the same parameters `POST /v1/checkout/sessions`
   *  takes (validated the same way), dates it `created` (epoch seconds) and pays it, without an HTTP round trip. */
  seedPaidSessions(specs: { params: FormObject; created: number }[]): string[];
  /** Registers a code buyers can enter at Checkout (sessions need `allow_promotion_codes`); returns its promo_ id. */
  createPromotionCode(promo: EmulatorPromotionCode): string;
  settleAsyncPayment(id: string, outcome: 'succeeded' | 'failed'): Promise<string>;
  resendEvent(eventId: string): Promise<void>;
  /** The card network opens a dispute (or an inquiry) on a paid charge; resolves to the dispute id. */
  openDispute(chargeId: string, opts?: OpenDisputeOptions): Promise<string>;
  /** The network decides a dispute: won reinstates the funds, lost keeps them withdrawn. */
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): Promise<DisputeObject>;
  /** A succeeded refund later fails at the bank, or is canceled: the money stays; emits refund.updated and co. */
  endRefund(refundId: string, status: 'failed' | 'canceled'): Promise<RefundObject>;
  events(): StripeEventObject[];
  /** The payment side of the account, for the local dashboard. */
  payments(): { charges: ChargeObject[]; refunds: RefundObject[]; disputes: DisputeObject[] };
  webhooksIdle(): Promise<void>;
  stop(): Promise<void>;
}

// The transitions are synchronous; callers still get a promise, and a refused transition is a rejection, not a throw.
function settled<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

// Stripe documents search as eventually consistent, usually within a minute; strict by default.
const DEFAULT_SEARCH_LAG_MS = 60_000;

const DEFAULT_RETRY_DELAYS_MS = [200, 1000, 3000, 10000];

function checkOptions(options: StripeEmulatorOptions): void {
  if (!options.secretKey) throw new Error('startStripeEmulator: secretKey is required');
  const seen = new Set<string>();
  for (const p of options.prices) {
    if (seen.has(p.id)) throw new Error(`startStripeEmulator: duplicate price id ${p.id}`);
    if (!Number.isInteger(p.unitAmount) || p.unitAmount < 0) {
      throw new Error(`startStripeEmulator: price ${p.id} needs a non-negative integer unitAmount (minor units)`);
    }
    seen.add(p.id);
  }
}

interface PersistedAccount { baseUrl: string; store: StoreSnapshot }

// The emulator's own URLs (hosted pages, receipt_url) are stored in its objects: a restart on another port moves them.
function restoreAndPersist(store: EmulatorStore, file: string, baseUrl: string) {
  const persisted = readState<PersistedAccount>(file);
  if (persisted) store.restore((JSON.parse(JSON.stringify(persisted.store).replaceAll(persisted.baseUrl, baseUrl)) as StoreSnapshot));
  return persistState(file, (): PersistedAccount => ({ baseUrl, store: store.snapshot() }));
}

export async function startStripeEmulator(options: StripeEmulatorOptions): Promise<StripeEmulator> {
  checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  let webhook: WebhookTarget | null = options.webhook ? { ...options.webhook } : null;
  let latencyMs = options.latencyMs ?? 0;
  let baseUrl = '';
  const log: RecordedRequest[] = [];
  const deliveries: WebhookDelivery[] = [];

  const store = new EmulatorStore(options.prices);
  const dispatcher = new WebhookDispatcher(
    (type) => [() => webhook, ...endpointTargets(store, type)],
    options.webhookRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    (d) => {
      deliveries.push(d);
      if (d.status !== null && d.status >= 200 && d.status < 300) store.markDelivered(d.eventId);
    },
  );
  const lifecycle = new SessionLifecycle(store, dispatcher, () => webhook !== null || store.webhookEndpoints.size > 0, () => baseUrl);
  const emit: EmitEvent = (type, object) => lifecycle.emitEvent(type, object);
  const faults = new FaultQueue();
  const clock = new EmulatorClock();
  const limiter = new RateLimiter();
  limiter.configure(options.rateLimitPerSecond ?? null);
  let searchLagMs = options.searchLagMs ?? DEFAULT_SEARCH_LAG_MS;
  // setSearchAvailable(false): an account without the Search API (Stripe: not available to merchants in India).
  let searchAvailable = true;
  const server = createEmulatorServer({
    secretKey: options.secretKey,
    store,
    idempotency: new IdempotencyStore(clock),
    faults,
    clock,
    limiter,
    searchLagMs: () => searchLagMs,
    searchAvailable: () => searchAvailable,
    lifecycle,
    log,
    latencyMs: () => latencyMs,
    baseUrl: () => baseUrl,
  });
  const port = await server.listen(options.port ?? 0, host);
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const persistence = options.stateFile ? restoreAndPersist(store, options.stateFile, baseUrl) : undefined;

  let stopped: Promise<void> | null = null;
  return {
    url: baseUrl,
    log,
    deliveries,
    // In place, so references to `emulator.log` taken earlier stay live.
    clearLog: () => {
      log.length = 0;
    },
    setLatency: (ms) => {
      latencyMs = Math.max(0, ms);
    },
    failNext: (opts) => faults.add(opts),
    clearFaults: () => faults.clear(),
    advanceClock: (ms) => clock.advance(ms),
    setRateLimit: (perSecond) => limiter.configure(perSecond),
    setSearchLag: (ms) => {
      searchLagMs = Math.max(0, ms);
    },
    setSearchAvailable: (available) => {
      searchAvailable = available;
    },
    deleteCustomer: (id) => store.deleteCustomer(id),
    setWebhook: (w) => {
      webhook = w ? { ...w } : null;
    },
    ensureWebhookEndpoint: (url, events) => ensureWebhookEndpoint(store, url, events),
    customers: () => store.customers(),
    sessions: () => store.sessions(),
    getSession: (id) => store.session(id),
    completeSession: (id, opts) => settled(() => lifecycle.complete(id, opts)),
    seedPaidSessions: (specs) =>
      specs.map(({ params, created }) => {
        const { id } = createCheckoutSession(store, params, baseUrl);
        const live = store.sessionRecord(id)!.session;
        live.created = created;
        live.expires_at = created + 86_400;
        lifecycle.complete(id);
        return id;
      }),
    createPromotionCode: (promo) => registerPromotionCode(store, promo),
    settleAsyncPayment: (id, outcome) => settled(() => lifecycle.settle(id, outcome)),
    resendEvent: (eventId) => settled(() => lifecycle.resend(eventId)),
    openDispute: (chargeId, opts = {}) => settled(() => openDispute(store, chargeId, opts, emit)),
    closeDispute: (disputeId, outcome) => settled(() => closeDispute(store, disputeId, outcome, emit)),
    endRefund: (refundId, status) => settled(() => endRefund(store, refundId, status, emit)),
    events: () => store.events(),
    payments: () => structuredClone({ charges: [...store.charges.values()], refunds: [...store.refunds.values()], disputes: [...store.disputes.values()] }),
    webhooksIdle: () => dispatcher.idle(),
    stop: () => {
      stopped ??= (async () => {
        dispatcher.stop();
        await server.close();
        await dispatcher.idle();
        persistence?.stop();
      })();
      return stopped;
    },
  };
}

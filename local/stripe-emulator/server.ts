// The HTTP front door: routes /v1 API calls (auth, request log, injected faults, latency, idempotency, handlers)
// and the hosted Checkout page under /c/pay. Node's http module only; tracks sockets so stop() never hangs.
import { FAULT_MARKER } from '../fault-marker';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createCheckoutSession, listCheckoutSessions, listLineItems, retrieveCheckoutSession } from './checkout-sessions';
import { acceptDispute, listDisputes, retrieveDispute } from './disputes';
import { listEvents } from './events';
import { renderReceipt, retrieveCharge, retrievePaymentIntent } from './payments';
import { createRefund, listRefunds, retrieveRefund } from './refunds';
import { renderCheckoutPage, renderMessagePage } from './checkout-page';
import type { EmulatorClock } from './clock';
import { createCustomer, deleteCustomer, retrieveCustomer, searchCustomers } from './customers';
import { errors, LifecycleError, StripeApiError } from './errors';
import { createPrice, listPrices, retrievePrice, updatePrice } from './prices';
import { createProduct, listProducts, retrieveProduct, updateProduct } from './products';
import {
  createWebhookEndpoint, deleteWebhookEndpoint, listWebhookEndpoints, retrieveWebhookEndpoint, updateWebhookEndpoint,
} from './webhook-endpoints';
import type { FaultQueue } from './faults';
import { parseForm, type FormObject } from './form';
import type { IdempotencyOutcome, IdempotencyStore, StoredResponse } from './idempotency';
import { newId } from './ids';
import type { SessionLifecycle } from './lifecycle';
import { ensureKnown, expandList } from './params';
import { endpointOf, type RateLimiter } from './rate-limit';
import { checkApiVersion } from './versions';
import type { EmulatorStore } from './store';
import { API_VERSION, type RecordedRequest } from './types';

export interface ServerContext {
  secretKey: string;
  store: EmulatorStore;
  idempotency: IdempotencyStore;
  faults: FaultQueue;
  clock: EmulatorClock;
  limiter: RateLimiter;
  searchLagMs(): number;
  searchAvailable(): boolean;
  lifecycle: SessionLifecycle;
  log: RecordedRequest[];
  latencyMs(): number;
  baseUrl(): string;
}

type Handler = (ctx: ServerContext, ids: string[], query: FormObject, body: FormObject) => unknown;

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  handler: Handler;
}

const ID = '([^/]+)';
const first = (ids: string[]): string => ids[0] ?? '';

const ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: /^\/v1\/customers$/,
    handler: (c, _i, _q, b) => createCustomer(c.store, b, { now: () => c.clock.now(), searchLagMs: c.searchLagMs() }),
  },
  { method: 'GET', pattern: /^\/v1\/customers\/search$/, handler: (c, _i, q) => searchCustomers(c.store, q, c.clock.now(), c.searchAvailable()) },
  { method: 'DELETE', pattern: new RegExp(`^/v1/customers/${ID}$`), handler: (c, i, _q, b) => deleteCustomer(c.store, first(i), b) },
  { method: 'GET', pattern: new RegExp(`^/v1/customers/${ID}$`), handler: (c, i, q) => retrieveCustomer(c.store, first(i), q) },
  { method: 'POST', pattern: /^\/v1\/products$/, handler: (c, _i, _q, b) => createProduct(c.store, b) },
  { method: 'GET', pattern: /^\/v1\/products$/, handler: (c, _i, q) => listProducts(c.store, q) },
  { method: 'GET', pattern: new RegExp(`^/v1/products/${ID}$`), handler: (c, i, q) => retrieveProduct(c.store, first(i), q) },
  { method: 'POST', pattern: new RegExp(`^/v1/products/${ID}$`), handler: (c, i, _q, b) => updateProduct(c.store, first(i), b) },
  { method: 'POST', pattern: /^\/v1\/prices$/, handler: (c, _i, _q, b) => createPrice(c.store, b) },
  { method: 'GET', pattern: /^\/v1\/prices$/, handler: (c, _i, q) => listPrices(c.store, q) },
  { method: 'GET', pattern: new RegExp(`^/v1/prices/${ID}$`), handler: (c, i, q) => retrievePrice(c.store, first(i), q) },
  { method: 'POST', pattern: new RegExp(`^/v1/prices/${ID}$`), handler: (c, i, _q, b) => updatePrice(c.store, first(i), b) },
  { method: 'POST', pattern: /^\/v1\/webhook_endpoints$/, handler: (c, _i, _q, b) => createWebhookEndpoint(c.store, b) },
  { method: 'GET', pattern: /^\/v1\/webhook_endpoints$/, handler: (c, _i, q) => listWebhookEndpoints(c.store, q) },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/webhook_endpoints/${ID}$`),
    handler: (c, i, q) => retrieveWebhookEndpoint(c.store, first(i), q),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/v1/webhook_endpoints/${ID}$`),
    handler: (c, i, _q, b) => updateWebhookEndpoint(c.store, first(i), b),
  },
  { method: 'DELETE', pattern: new RegExp(`^/v1/webhook_endpoints/${ID}$`), handler: (c, i) => deleteWebhookEndpoint(c.store, first(i)) },
  {
    method: 'POST',
    pattern: /^\/v1\/checkout\/sessions$/,
    handler: (c, _i, _q, b) => createCheckoutSession(c.store, b, c.baseUrl()),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/checkout/sessions/${ID}$`),
    handler: (c, i, q) => retrieveCheckoutSession(c.store, first(i), q),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/checkout/sessions/${ID}/line_items$`),
    handler: (c, i, q) => listLineItems(c.store, first(i), q),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/v1/checkout/sessions/${ID}/expire$`),
    handler: (c, i, _q, b) => {
      ensureKnown(b, ['expand']);
      const expand = expandList(b, ['line_items', 'customer']);
      const id = first(i);
      if (!c.store.session(id)) throw errors.resourceMissing('checkout.session', id, { param: 'session', status: 404 });
      try {
        c.lifecycle.expire(id);
      } catch (e) {
        if (e instanceof LifecycleError) throw errors.invalid(e.message, { status: e.status });
        throw e;
      }
      return retrieveCheckoutSession(c.store, id, expand.length ? { expand } : {});
    },
  },
  { method: 'GET', pattern: /^\/v1\/checkout\/sessions$/, handler: (c, _i, q) => listCheckoutSessions(c.store, q) },
  { method: 'GET', pattern: new RegExp(`^/v1/payment_intents/${ID}$`), handler: (c, i, q) => retrievePaymentIntent(c.store, first(i), q) },
  { method: 'GET', pattern: new RegExp(`^/v1/charges/${ID}$`), handler: (c, i, q) => retrieveCharge(c.store, first(i), q) },
  { method: 'POST', pattern: /^\/v1\/refunds$/, handler: (c, _i, _q, b) => createRefund(c.store, b, (t, o) => c.lifecycle.emitEvent(t, o)) },
  { method: 'GET', pattern: /^\/v1\/refunds$/, handler: (c, _i, q) => listRefunds(c.store, q) },
  { method: 'GET', pattern: new RegExp(`^/v1/refunds/${ID}$`), handler: (c, i, q) => retrieveRefund(c.store, first(i), q) },
  { method: 'GET', pattern: /^\/v1\/disputes$/, handler: (c, _i, q) => listDisputes(c.store, q) },
  { method: 'GET', pattern: new RegExp(`^/v1/disputes/${ID}$`), handler: (c, i, q) => retrieveDispute(c.store, first(i), q) },
  {
    method: 'POST',
    pattern: new RegExp(`^/v1/disputes/${ID}/close$`),
    handler: (c, i, _q, b) => acceptDispute(c.store, first(i), b, (t, o) => c.lifecycle.emitEvent(t, o)),
  },
  { method: 'GET', pattern: /^\/v1\/events$/, handler: (c, _i, q) => listEvents(c.store, q, c.clock.now()) },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/events/${ID}$`),
    handler: (c, i, q) => {
      ensureKnown(q, ['expand']);
      expandList(q, []);
      const event = c.store.event(first(i));
      if (!event) throw errors.resourceMissing('event', first(i), { param: 'id', status: 404 });
      return event;
    },
  },
];

const BEFORE_EXECUTION = new Set(['error500', 'timeout', 'drop', 'rate_limit', 'lock_timeout']);

const requestLogUrl = (requestId: string) => `https://dashboard.stripe.com/test/logs/${requestId}`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

// stripe-node sends `Bearer <key>`; other clients (curl -u sk_test_…:) use basic auth with the key as user.
function apiKeyOf(req: IncomingMessage): string | null {
  const auth = header(req, 'authorization');
  if (!auth) return null;
  const [scheme, value = ''] = auth.split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.split(':')[0] ?? '';
  }
  return auth;
}

function substituteSessionId(url: string, id: string): string {
  return url.split('{CHECKOUT_SESSION_ID}').join(id);
}

type Plan =
  | { kind: 'error'; error: unknown }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'run'; route: Route; ids: string[]; lease: Extract<IdempotencyOutcome, { kind: 'execute' }> | null };

export interface EmulatorServer {
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

export function createEmulatorServer(ctx: ServerContext): EmulatorServer {
  const sockets = new Set<Socket>();
  const sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  let closing = false;

  const sleep = (ms: number): Promise<void> =>
    ms <= 0 || closing
      ? Promise.resolve()
      : new Promise((resolve) => {
          const entry = {
            timer: setTimeout(() => {
              sleepers.delete(entry);
              resolve();
            }, ms),
            wake: resolve,
          };
          sleepers.add(entry);
        });

  function sendJson(
    res: ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string>,
  ): void {
    if (closing || res.destroyed || res.writableEnded) return;
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-cache, no-store',
      'stripe-version': API_VERSION,
      ...headers,
    });
    res.end(body);
  }

  function sendError(res: ServerResponse, entry: RecordedRequest, error: unknown, headers: Record<string, string>): void {
    let apiError: StripeApiError;
    if (error instanceof StripeApiError) {
      apiError = error;
    } else {
      console.error('[stripe-emulator] unexpected error', error);
      apiError = errors.apiError();
    }
    entry.status = apiError.status;
    const body = { error: { ...apiError.body, request_log_url: requestLogUrl(headers['request-id'] ?? '') } };
    sendJson(res, apiError.status, JSON.stringify(body, null, 2), { ...headers, ...apiError.headers });
  }

  function plan(req: IncomingMessage, method: string, pathname: string, entry: RecordedRequest, body: FormObject): Plan {
    const key = apiKeyOf(req);
    if (key !== ctx.secretKey) throw errors.invalidApiKey(key);
    for (const route of ROUTES) {
      const m = route.pattern.exec(pathname);
      if (!m) continue;
      if (route.method !== method) continue;
      const ids = m.slice(1).map((s) => decodeURIComponent(s ?? ''));
      // Only POSTs are made idempotent; Stripe ignores the header on reads, which are idempotent anyway.
      if (method !== 'POST' || entry.idempotencyKey === null) return { kind: 'run', route, ids, lease: null };
      const outcome = ctx.idempotency.begin(key, entry.idempotencyKey, method, pathname, body);
      if (outcome.kind === 'replay') return { kind: 'replay', response: outcome.response };
      return { kind: 'run', route, ids, lease: outcome };
    }
    throw errors.unrecognizedUrl(method, pathname);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const arrived = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawBody = await readBody(req);
    const requestId = newId.request();
    const idempotencyKey = header(req, 'idempotency-key');
    const entry: RecordedRequest = {
      at: Date.now(),
      method,
      path: url.pathname,
      query: {},
      body: {},
      idempotencyKey,
      status: 0,
    };
    ctx.log.push(entry);
    // What Stripe's own time was, as a client would see it: the benchmark tells the app's overhead from the stand-in's.
    res.once('finish', () => (entry.ms = performance.now() - arrived));
    const headers: Record<string, string> = { 'request-id': requestId };
    if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey;

    let parsed: Plan | null = null;
    let query: FormObject = {};
    let body: FormObject = {};
    try {
      query = parseForm(url.search.slice(1));
      entry.query = query;
      if (method === 'POST') {
        const type = header(req, 'content-type') ?? 'application/x-www-form-urlencoded';
        if (!type.startsWith('application/x-www-form-urlencoded') && rawBody.trim() !== '') {
          throw errors.invalid(
            `Invalid request: Stripe's v1 API takes application/x-www-form-urlencoded bodies, not ${type.split(';')[0]}.`,
          );
        }
        body = parseForm(rawBody);
        entry.body = body;
      }
    } catch (e) {
      parsed = { kind: 'error', error: e };
    }

    const fault = ctx.faults.take(method, url.pathname);
    if (fault) entry.fault = fault;
    if (fault && BEFORE_EXECUTION.has(fault)) {
      await sleep(ctx.latencyMs());
      if (fault === 'error500') sendError(res, entry, errors.apiError(FAULT_MARKER), headers);
      else if (fault === 'rate_limit') sendError(res, entry, errors.rateLimit(), headers);
      else if (fault === 'lock_timeout') sendError(res, entry, errors.lockTimeout(), headers);
      else if (fault === 'drop') req.socket.destroy();
      // 'timeout': never answer; the socket is released when the client gives up or the server stops.
      return;
    }
    if (parsed === null) {
      try {
        checkApiVersion(header(req, 'stripe-version'));
      } catch (e) {
        parsed = { kind: 'error', error: e };
      }
    }
    if (parsed === null && !ctx.limiter.admit(endpointOf(method, url.pathname), ctx.clock.now())) {
      entry.rateLimited = true;
      parsed = { kind: 'error', error: errors.rateLimit() };
    }

    if (parsed === null) {
      try {
        // Decided before the latency wait so an idempotency lock is held for the whole simulated processing time.
        parsed = plan(req, method, url.pathname, entry, body);
      } catch (e) {
        parsed = { kind: 'error', error: e };
      }
    }
    await sleep(ctx.latencyMs());

    if (parsed.kind === 'error') {
      sendError(res, entry, parsed.error, headers);
    } else if (parsed.kind === 'replay') {
      entry.status = parsed.response.status;
      entry.replayed = true;
      sendJson(res, parsed.response.status, parsed.response.body, {
        ...headers,
        ...parsed.response.headers,
        'idempotent-replayed': 'true',
        'original-request': parsed.response.requestId,
      });
    } else {
      const { route, ids, lease } = parsed;
      if (fault === 'error500_during') {
        // Execution began, then failed: Stripe stores the 500 against the key and replays it to every retry.
        const error = errors.apiError(FAULT_MARKER, { 'stripe-should-retry': 'false' });
        const stored = JSON.stringify({ error: { ...error.body, request_log_url: requestLogUrl(requestId) } }, null, 2);
        lease?.commit({ status: 500, body: stored, requestId, headers: error.headers });
        sendError(res, entry, error, headers);
        return;
      }
      try {
        const result = route.handler(ctx, ids, query, body);
        const json = JSON.stringify(result, null, 2);
        lease?.commit({ status: 200, body: json, requestId });
        entry.status = 200;
        if (fault === 'drop_after_execute') req.socket.destroy();
        else sendJson(res, 200, json, headers);
      } catch (e) {
        lease?.release();
        sendError(res, entry, e, headers);
      }
    }
  }

  function sendHtml(res: ServerResponse, status: number, html: string): void {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(html),
      'cache-control': 'no-store',
    });
    res.end(html);
  }

  function redirect(res: ServerResponse, location: string): void {
    // With the emulator's Referer (another origin, as checkout.stripe.com's), the return to the app makes Clerk's
    // middleware run a handshake, which the Clerk stand-in answers as Clerk would.
    res.writeHead(303, { location, 'content-length': 0, 'cache-control': 'no-store' });
    res.end();
  }

  async function handlePage(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawBody = await readBody(req);
    const m = /^\/c\/pay\/([^/]+)(?:\/(pay|cancel|settle))?\/?$/.exec(url.pathname);
    const id = m ? decodeURIComponent(m[1] ?? '') : '';
    const action = m?.[2] ?? 'view';
    const session = m ? ctx.store.session(id) : undefined;
    if (!session) {
      sendHtml(res, 404, renderMessagePage('Checkout session not found', 'This checkout link is invalid.'));
      return;
    }
    let form: FormObject = {};
    try {
      form = { ...parseForm(url.search.slice(1)), ...parseForm(rawBody) };
    } catch {
      form = {};
    }

    if (action === 'view' && method === 'GET') {
      if (session.status === 'open') {
        sendHtml(res, 200, renderCheckoutPage(session, ctx.store.lineItems(id) ?? []));
      } else if (session.status === 'complete') {
        sendHtml(res, 200, renderMessagePage('Payment complete', 'This checkout session has already been paid.'));
      } else {
        sendHtml(res, 410, renderMessagePage('Checkout session expired', 'This checkout session is no longer active.'));
      }
      return;
    }
    if (action === 'pay' && method === 'POST') {
      try {
        const promotionCode = typeof form.promotion_code === 'string' && form.promotion_code !== '' ? form.promotion_code : undefined;
        ctx.lifecycle.complete(id, { async: form.method === 'delayed', promotionCode });
      } catch (e) {
        if (!(e instanceof LifecycleError)) throw e;
        sendHtml(res, e.status, renderMessagePage('Payment not possible', e.message));
        return;
      }
      redirect(res, substituteSessionId(session.success_url ?? '/', id));
      return;
    }
    if (action === 'cancel' && (method === 'GET' || method === 'POST')) {
      if (!session.cancel_url) {
        sendHtml(res, 404, renderMessagePage('No cancel URL', 'This checkout session has no cancel URL.'));
        return;
      }
      redirect(res, substituteSessionId(session.cancel_url, id));
      return;
    }
    if (action === 'settle' && method === 'POST') {
      const outcome = form.outcome;
      if (outcome !== 'succeeded' && outcome !== 'failed') {
        sendJson(res, 400, JSON.stringify({ error: 'outcome must be succeeded or failed' }), {});
        return;
      }
      try {
        const eventId = ctx.lifecycle.settle(id, outcome);
        sendJson(res, 200, JSON.stringify({ event: eventId }), {});
      } catch (e) {
        if (!(e instanceof LifecycleError)) throw e;
        sendJson(res, e.status, JSON.stringify({ error: e.message }), {});
      }
      return;
    }
    res.writeHead(405, { allow: action === 'view' ? 'GET' : 'POST', 'content-length': 0 });
    res.end();
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    if (url.pathname.startsWith('/receipts/')) {
      const html = renderReceipt(ctx.store, decodeURIComponent(url.pathname.slice('/receipts/'.length)));
      sendHtml(res, html ? 200 : 404, html ?? renderMessagePage('Receipt not found', 'This receipt link is invalid.'));
      return;
    }
    const handler = url.pathname === '/v1' || url.pathname.startsWith('/v1/')
      ? handleApi
      : url.pathname.startsWith('/c/pay/')
        ? handlePage
        : null;
    if (!handler) {
      sendJson(res, 404, JSON.stringify({ error: 'not found' }), {});
      return;
    }
    handler(req, res, url).catch((e: unknown) => {
      console.error('[stripe-emulator] request failed', e);
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, JSON.stringify(errors.apiError().toJSON()), {});
      else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    close() {
      closing = true;
      for (const s of sleepers) {
        clearTimeout(s.timer);
        s.wake();
      }
      sleepers.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        // Held (timeout-fault) and keep-alive sockets would otherwise keep close() waiting forever.
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

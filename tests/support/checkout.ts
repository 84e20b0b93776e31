// Drives the checkout core the way the route does, with real clients pointed at the stack and real token
// verification, and collects its log lines so tests can assert nothing secret is logged.
import { handleCheckout, type CheckoutDeps } from '@/lib/checkout/handle-checkout';
import type { LogLine } from '@/lib/http/request-context';
import { servicesFromStack, stack } from './stack';

export async function checkoutHarness(overrides: Partial<CheckoutDeps> & { timeoutMs?: number; maxNetworkRetries?: number } = {}) {
  const services = await servicesFromStack(overrides);
  const logs: LogLine[] = [];
  const background: Promise<unknown>[] = [];
  const deps: CheckoutDeps = {
    ...services,
    waitUntil: (work) => void background.push(work),
    log: (line) => void logs.push(line),
    ...overrides,
  };
  // Counted by the client itself: other test files share the emulator, so its log's length is not this file's alone.
  let stripeCalls = 0;
  services.stripe.on('request', () => void stripeCalls++);
  const appOrigin = new URL(services.appUrl).origin;
  return {
    ...services,
    deps,
    logs,
    /** How many requests the core's Stripe client has sent so far. */
    stripeCalls: () => stripeCalls,
    /** Resolves when the work handed to waitUntil has finished. */
    settled: () => Promise.allSettled(background),
    checkout(init: { token?: string; body?: BodyInit | null; contentType?: string | null; headers?: Record<string, string>; method?: string } = {}) {
      const headers = new Headers({ origin: appOrigin, ...init.headers });
      if (init.contentType !== null) headers.set('content-type', init.contentType ?? 'application/json');
      if (init.token) headers.set('authorization', `Bearer ${init.token}`);
      const method = init.method ?? 'POST';
      return handleCheckout(new Request(`${appOrigin}/api/billing/checkout`, { method, headers, body: method === 'GET' ? null : (init.body ?? null) }), deps);
    },
    priceBody: (priceId: unknown) => JSON.stringify({ priceId }),
  };
}

export interface RecordedStripeRequest { method: string; path: string; body: Record<string, unknown>; status: number; idempotencyKey: string | null }

/** The emulator's log, narrowed to the requests made for one buyer (the stack is shared by parallel test files). */
export async function stripeRequestsFor(clerkUserId: string): Promise<RecordedStripeRequest[]> {
  const log = await stack.stripe<RecordedStripeRequest[]>('log');
  return log.filter((r) => (r.body?.metadata as Record<string, unknown> | undefined)?.clerkUserId === clerkUserId);
}

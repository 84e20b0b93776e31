// Webhook delivery: signs event payloads exactly as Stripe does and POSTs them to the configured endpoint,
// (the configured test endpoint and every subscribed webhook endpoint), retrying non-2xx answers and network errors on a schedule. Tracks pending work so tests can await idleness
// instead of sleeping, and stop() cancels every pending retry.
import { createHmac } from 'node:crypto';
import type { StripeEventObject, WebhookDelivery } from './types';

export interface WebhookTarget {
  url: string;
  secret: string;
}

/** `t=<unix>,v1=<hex HMAC-SHA256("t.payload")>` keyed by the whole `whsec_…` string, as stripe-node verifies. */
export function signatureHeader(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

// Stripe gives endpoints a bounded time to answer before counting the attempt as failed.
const ATTEMPT_TIMEOUT_MS = 10_000;

export class WebhookDispatcher {
  private pending = 0;
  private waiters: (() => void)[] = [];
  private readonly timers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  private readonly stopController = new AbortController();

  constructor(
    /** One resolver per destination of an event of this type, re-read on each attempt. */
    private readonly getTargets: (type: string) => (() => WebhookTarget | null)[],
    private readonly retryDelaysMs: readonly number[],
    private readonly record: (delivery: WebhookDelivery) => void,
  ) {}

  /** Starts delivering in the background; the caller never waits for the endpoint. */
  dispatch(event: StripeEventObject, payload: string): void {
    if (this.stopController.signal.aborted) return;
    for (const getTarget of this.getTargets(event.type)) {
      this.pending++;
      void this.deliver(event, payload, getTarget).finally(() => {
        this.pending--;
        if (this.pending === 0) for (const wake of this.waiters.splice(0)) wake();
      });
    }
  }

  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
    this.stopController.abort();
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.wake();
    }
    this.timers.clear();
  }

  private async deliver(event: StripeEventObject, payload: string, getTarget: () => WebhookTarget | null): Promise<void> {
    const sessionId = event.data.object.id;
    for (let attempt = 1; ; attempt++) {
      // Read the endpoint per attempt: removing it (setWebhook(null)) ends retries, as deleting one does at Stripe.
      const target = getTarget();
      if (!target || this.stopController.signal.aborted) return;
      const status = await this.attempt(target, payload);
      if (this.stopController.signal.aborted) return;
      this.record({ eventId: event.id, type: event.type, sessionId, attempt, status, at: Date.now() });
      if (status !== null && status >= 200 && status < 300) return;
      const delay = this.retryDelaysMs[attempt - 1];
      if (delay === undefined) return;
      await this.sleep(delay);
    }
  }

  private async attempt(target: WebhookTarget, payload: string): Promise<number | null> {
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        // A fresh timestamp per attempt, like Stripe, so retries stay inside the receiver's tolerance window.
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          accept: '*/*; q=0.5, application/xml',
          'cache-control': 'no-cache',
          'stripe-signature': signatureHeader(payload, target.secret),
        },
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.any([this.stopController.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.status;
    } catch {
      return null;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        wake: resolve,
      };
      this.timers.add(entry);
    });
  }
}

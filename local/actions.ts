// What a developer does to a running local stack, in one place for the dashboard's forms and the `local:stripe` /
// `local:token` CLI (both reach it through local/control.ts): refunds through the Stripe API as the Dashboard makes
// them, disputes and redeliveries through the emulator's test controls, faults, the rate limiter, the clock, tokens.
import Stripe from 'stripe';
import { templateClaims } from './auth/session-template';
import type { LocalStack } from './stack';

export type FaultService = 'stripe' | 'clerk' | 'neon';

export interface StackActions {
  refund(target: string, amountCents?: number): Promise<{ refund: string; charge: string; amount: number }>;
  /** Opens a dispute on the target's charge and, with an outcome, closes it; a dispute (`dp_…` / `du_…`) target is only closed. */
  dispute(target: string, outcome?: 'won' | 'lost'): Promise<{ dispute: string; status: string }>;
  deliver(eventId: string): Promise<{ event: string }>;
  fault(service: FaultService, count?: number): Promise<{ service: FaultService; count: number }>;
  rateLimit(on: boolean): Promise<{ rateLimit: number | null }>;
  /** Moves the emulator's clock (idempotency keys expire after 24 h on it). */
  clock(ms: number): Promise<{ advancedMs: number }>;
  token(user: string, ttlSeconds?: number): Promise<{ token: string; userId: string; expiresAt: string }>;
  /** How long the browser's session tokens live from their next refresh (Clerk: 60 s): a few seconds makes a buyer's
   *  token expire before their next press, the case the app must survive. */
  sessionTtl(seconds: number): Promise<{ sessionTtlSeconds: number }>;
}

// Stripe test mode's per-endpoint rate (docs/local-stack.md).
const TEST_MODE_RATE = 25;

export function stackActions(stack: LocalStack): StackActions {
  const base = new URL(stack.stripe.url);
  const stripe = new Stripe(stack.env.STRIPE_SECRET_KEY!, {
    apiVersion: '2026-02-25.clover',
    httpClient: Stripe.createFetchHttpClient(),
    host: base.hostname,
    port: Number(base.port),
    protocol: 'http',
    maxNetworkRetries: 0,
  });

  // A charge id, a Checkout Session id or a PaymentIntent id, as the Dashboard accepts any of them.
  async function chargeOf(target: string): Promise<string> {
    if (target.startsWith('ch_')) return target;
    let intent = target;
    if (target.startsWith('cs_')) {
      const session = await stripe.checkout.sessions.retrieve(target);
      if (!session.payment_intent) throw new Error(`${target} has no payment (status ${session.status ?? '?'})`);
      intent = typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent.id;
    }
    if (!intent.startsWith('pi_')) throw new Error(`${target}: give a charge (ch_…), Checkout Session (cs_…) or PaymentIntent (pi_…) id`);
    const pi = await stripe.paymentIntents.retrieve(intent);
    const charge = typeof pi.latest_charge === 'string' ? pi.latest_charge : pi.latest_charge?.id;
    if (!charge) throw new Error(`${intent} has no charge`);
    return charge;
  }

  function findUser(user: string) {
    const needle = user.toLowerCase();
    const found = stack.clerk
      .users()
      .find((u) => u.id === user || u.email.toLowerCase() === needle || u.firstName?.toLowerCase() === needle || u.id === `user_demo_${needle}`);
    if (!found) throw new Error(`no user ${user} (known: ${stack.clerk.users().map((u) => u.firstName ?? u.id).join(', ')})`);
    return found;
  }

  return {
    async refund(target, amountCents) {
      const charge = await chargeOf(target);
      const refund = await stripe.refunds.create({ charge, ...(amountCents !== undefined && { amount: amountCents }) });
      return { refund: refund.id, charge, amount: refund.amount };
    },
    async dispute(target, outcome) {
      const isDispute = /^(dp|du)_/.test(target);
      const id = isDispute ? target : await stack.stripe.openDispute(await chargeOf(target));
      if (!outcome) {
        if (isDispute) throw new Error('closing a dispute needs --won or --lost');
        return { dispute: id, status: 'needs_response' };
      }
      const closed = await stack.stripe.closeDispute(id, outcome);
      return { dispute: id, status: closed.status };
    },
    async deliver(eventId) {
      await stack.stripe.resendEvent(eventId);
      return { event: eventId };
    },
    fault(service, count = 1) {
      if (!Number.isInteger(count) || count < 1) return Promise.reject(new Error(`--count must be a positive integer, got ${count}`));
      if (service === 'stripe') stack.stripe.failNext({ path: /^\/v1\//, count, kind: 'error500' });
      else if (service === 'clerk') stack.clerk.failNext(count, 'error500');
      else if (service === 'neon') stack.neon.failNext(count, 'error500');
      else return Promise.reject(new Error(`fault: unknown service ${String(service)} (stripe, clerk or neon)`));
      return Promise.resolve({ service, count });
    },
    rateLimit(on) {
      stack.stripe.setRateLimit(on ? TEST_MODE_RATE : null);
      return Promise.resolve({ rateLimit: on ? TEST_MODE_RATE : null });
    },
    clock(ms) {
      if (!Number.isFinite(ms) || ms <= 0) return Promise.reject(new Error('the clock only moves forward'));
      stack.stripe.advanceClock(ms);
      return Promise.resolve({ advancedMs: ms });
    },
    async token(user, ttlSeconds = 3600) {
      const found = findUser(user);
      // The claims the session-token template gives a browser session of this user now (its Stripe customer included).
      const token = await stack.mintToken({ userId: found.id, ttlSeconds, claims: templateClaims(found) });
      return { token, userId: found.id, expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString() };
    },
    sessionTtl(seconds) {
      stack.clerk.setSessionTtlSeconds(seconds);
      return Promise.resolve({ sessionTtlSeconds: seconds });
    },
  };
}

/** `+24h`, `90m`, `30s`, `2d` → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\+?(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${text} (e.g. +24h, 90m, 30s)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

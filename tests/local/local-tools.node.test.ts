// The developer's tools around `npm run local`, against a stack of this file's own (state persisted in a temp dir):
// the `local:stripe` / `local:token` CLI and the dashboard's forms over HTTP, every script run as npm runs it with the
// stack's env file, and a restart on the same state directory that keeps payments, customers and users.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPublicKey } from 'node:crypto';
import { jwtVerify } from 'jose';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlServer, type ControlServer } from '@local/control';
import { dashboardPages } from '@local/dashboard';
import { LOCAL_PRICES, startLocalStack, type LocalStack } from '@local/stack';
import { CONTROL_URL_VAR, writeStackEnv } from '@local/stack-env';
import { handleCheckout } from '@/lib/checkout/handle-checkout';
import { reconcileBilling } from '@/lib/reconcile/reconcile-billing';
import { handleReceipt } from '@/lib/receipts/handle-receipt';
import { createBillingServices } from '@/lib/services/create-billing-services';
import { paidSession as paidSessionOf } from '../support/local-stack-tools';
import { sdkFor } from '../support/stripe-sdk';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const APP_URL = 'http://localhost:9'; // no app: events are recorded, their deliveries fail

let dir: string;
let envFile: string;
let stack: LocalStack;
let control: ControlServer;
let stripe: Stripe;

async function start(): Promise<void> {
  stack = await startLocalStack({ appUrl: APP_URL, dataDir: join(dir, 'pglite'), stateDir: dir, keyDir: join(dir, 'auth'), seedUsers: true, webhookEndpoint: true, webhookRetryDelaysMs: [] });
  control = await startControlServer(stack, {}, dashboardPages(stack));
  writeStackEnv(envFile, { ...stack.env, [CONTROL_URL_VAR]: control.url });
  stripe = sdkFor(stack.stripe.url, stack.env.STRIPE_SECRET_KEY!, { maxNetworkRetries: 0 });
}
async function stop(): Promise<void> {
  await control.stop();
  await stack.stop();
}

/** Runs a command as npm would (tsx, from the checkout), with only the stack's env file as configuration. */
async function tsx(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH!, HOME: process.env.HOME ?? dir, LOCAL_STACK_ENV_FILE: envFile, NODE_ENV: 'test' as const };
  try {
    const { stdout, stderr } = await run(join(root, 'node_modules/.bin/tsx'), ['--conditions=react-server', ...args], { cwd: root, env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
const cli = (...args: string[]) => tsx(['local/stripe-cli.ts', ...args]);

const paidSession = () => paidSessionOf(stack, stripe, LOCAL_PRICES.singleFlight.id);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'local-tools-'));
  envFile = join(dir, 'stack.env');
  await start();
});
afterAll(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run local:stripe', () => {
  it('refunds part of a payment named by its Checkout Session, then the rest by its charge', async () => {
    const { session, charge } = await paidSession();
    const partial = await cli('refund', session, '--amount', '2500');
    expect(partial.stderr).toBe('');
    expect(JSON.parse(partial.stdout)).toMatchObject({ charge, amount: 2500 });
    expect((await cli('refund', charge)).code).toBe(0);
    const refunds = await stripe.refunds.list({ charge });
    expect(refunds.data.map((r) => r.amount).sort((a, b) => a - b)).toEqual([2500, 7900 - 2500]);
    expect((await stripe.charges.retrieve(charge)).amount_refunded).toBe(7900);
  });

  it('opens a dispute and closes it lost, and says in one line why a refund of a disputed-away charge fails', async () => {
    const { charge } = await paidSession();
    const opened = JSON.parse((await cli('dispute', charge)).stdout) as { dispute: string; status: string };
    expect(opened.status).toBe('needs_response');
    expect(JSON.parse((await cli('dispute', opened.dispute, '--lost')).stdout)).toEqual({ dispute: opened.dispute, status: 'lost' });
    expect(stack.stripe.payments().disputes.find((d) => d.id === opened.dispute)?.status).toBe('lost');
    const unknown = await cli('refund', 'ch_doesnotexist');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('fails the next Stripe call, once', async () => {
    expect((await cli('fault', 'stripe')).code).toBe(0);
    const price = () => stripe.prices.retrieve(LOCAL_PRICES.singleFlight.id);
    await expect(price()).rejects.toMatchObject({ statusCode: 500 });
    expect((await price()).id).toBe(LOCAL_PRICES.singleFlight.id);
  });

  it('redelivers an event: one more delivery attempt is recorded', async () => {
    await paidSession();
    await stack.stripe.webhooksIdle();
    const [event] = stack.stripe.events().filter((e) => e.type === 'checkout.session.completed');
    const before = stack.stripe.deliveries.filter((d) => d.eventId === event!.id).length;
    expect((await cli('deliver', event!.id)).code).toBe(0);
    await stack.stripe.webhooksIdle();
    expect(stack.stripe.deliveries.filter((d) => d.eventId === event!.id)).toHaveLength(before + 1);
  });

  it('without a running stack says so in one line', async () => {
    const result = await run(join(root, 'node_modules/.bin/tsx'), [join(root, 'local/stripe-cli.ts'), 'fault', 'neon'], {
      cwd: dir, // no .local/stack.env here
      env: { PATH: process.env.PATH!, HOME: dir, NODE_ENV: 'test' as const },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('npm run local') as string });
  });
});

it('npm run local:token prints a token of the asked lifetime that the stack’s CLERK_JWT_KEY verifies', async () => {
  const { stdout, code } = await tsx(['local/token-cli.ts', 'grace', '--ttl', '7200']);
  expect(code).toBe(0);
  const { payload } = await jwtVerify(stdout.trim(), createPublicKey(stack.env.CLERK_JWT_KEY!));
  expect(payload.sub).toBe('user_demo_grace');
  expect(payload.exp! - payload.iat!).toBe(7200);
  expect(payload.azp).toBe(APP_URL);
});

it('refuses to serve the control surface and dashboard for a stack with live Stripe keys', async () => {
  const live = { ...stack, env: { ...stack.env, STRIPE_SECRET_KEY: 'sk_live_not_a_stack_key' } };
  await expect(startControlServer(live, {}, dashboardPages(live))).rejects.toThrow('test mode only');
});

describe('the dashboard', () => {
  const form = (path: string, fields: Record<string, string>, from = '/') =>
    fetch(`${control.url}${path}`, { method: 'POST', body: new URLSearchParams(fields), headers: { referer: `${control.url}${from}` }, redirect: 'manual' });

  it('lists a payment and refunds part of it from a form, redirecting back with what it did', async () => {
    const { charge } = await paidSession();
    const page = await (await fetch(`${control.url}/`)).text();
    expect(page).toContain(charge);
    expect(page).toContain('79.00 USD');
    const response = await form('/actions/refund', { target: charge, amount: '1000' });
    expect(response.status).toBe(303);
    const back = response.headers.get('location')!;
    expect(back.startsWith('/?done=')).toBe(true);
    expect(await (await fetch(`${control.url}${back}`)).text()).toContain(`Refunded 1000 cents of ${charge}`);
    expect((await stripe.charges.retrieve(charge)).amount_refunded).toBe(1000);
  });

  it('opens a dispute and closes it won; an impossible action comes back as an error notice', async () => {
    const { charge } = await paidSession();
    await form('/actions/dispute', { target: charge });
    const dispute = stack.stripe.payments().disputes.find((d) => d.charge === charge)!;
    expect((await fetch(`${control.url}/`).then((r) => r.text())).includes(`value="${dispute.id}"`)).toBe(true);
    await form('/actions/dispute', { target: dispute.id, outcome: 'won' });
    expect(stack.stripe.payments().disputes.find((d) => d.id === dispute.id)?.status).toBe('won');
    const refused = await form('/actions/refund', { target: 'ch_nope' });
    expect(refused.headers.get('location')).toMatch(/^\/\?error=/);
  });

  it('turns Stripe’s rate limit on and off, moves the clock, and shows events, sessions and the ledger', async () => {
    expect((await form('/actions/rate-limit', { on: 'on' }, '/controls')).headers.get('location')).toMatch(/^\/controls\?done=/);
    const burst = await Promise.all(Array.from({ length: 40 }, () => stripe.prices.retrieve(LOCAL_PRICES.singleFlight.id).then(() => 200, (e: { statusCode: number }) => e.statusCode)));
    expect(burst).toContain(429);
    await form('/actions/rate-limit', { on: 'off' }, '/controls');
    const after = await Promise.all(Array.from({ length: 40 }, () => stripe.prices.retrieve(LOCAL_PRICES.singleFlight.id).then(() => 200, (e: { statusCode: number }) => e.statusCode)));
    expect(after.every((s) => s === 200)).toBe(true);
    expect((await form('/actions/clock', { by: '+24h' }, '/controls')).headers.get('location')).toContain('done=');
    const sessions = await (await fetch(`${control.url}/sessions`)).text();
    expect(sessions).toContain(stack.stripe.sessions()[0]!.id);
    const events = await (await fetch(`${control.url}/events`)).text();
    expect(events).toContain('checkout.session.completed');
    const ledger = await (await fetch(`${control.url}/ledger`)).text();
    expect(ledger).toContain('ada@example.com');
    expect(ledger).toContain('grace@example.com');
  });

  it('mints a session token from a form for a chosen user', async () => {
    const response = await form('/actions/token', { user: 'user_demo_ada', ttl: '120' }, '/controls');
    expect(response.status).toBe(200);
    const token = /<pre[^>]*>([^<]+)<\/pre>/.exec(await response.text())?.[1] ?? '';
    const { payload } = await jwtVerify(token, createPublicKey(stack.env.CLERK_JWT_KEY!));
    expect(payload.exp! - payload.iat!).toBe(120);
  });
});

describe('the scripts, run against the stack through its env file', () => {
  it('check:env validates the stack’s configuration', async () => {
    const { stdout, code } = await tsx(['scripts/check-env.ts']);
    expect({ code, stdout: stdout.trim() }).toEqual({ code: 0, stdout: 'Environment OK' });
  });

  it('stripe:doctor finds the stack’s prices and its own webhook endpoint', async () => {
    const { stdout, code } = await tsx(['scripts/check-env.ts', '--live']);
    expect(stdout).toContain(`✓ webhook endpoint we_`);
    expect(stdout).toContain(`${APP_URL}/api/billing/webhook`);
    expect(stdout).toContain('Live check OK');
    expect(code).toBe(0);
  });

  it('stripe:setup --dry-run has nothing to do, and without --dry-run refuses to touch the stack', async () => {
    const dry = await tsx(['scripts/stripe-setup.ts', '--dry-run', '--write-to', join(dir, 'unused.env')]);
    expect(dry.stdout).toContain('✓ webhook endpoint');
    expect(dry.stdout).not.toContain('+ webhook endpoint');
    const wet = await tsx(['scripts/stripe-setup.ts']);
    expect(wet.code).toBe(1);
    expect(wet.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('billing:reconcile and db:migrate run against the stack', async () => {
    const reconcile = await tsx(['scripts/reconcile.ts']);
    expect(reconcile.stdout).toMatch(/^reconcile: complete, watermark \d{4}-\d\d-\d\dT/m);
    expect(reconcile.code).toBe(0);
    const migrate = await tsx(['scripts/migrate.ts']);
    expect({ code: migrate.code, stdout: migrate.stdout.trim() }).toEqual({ code: 0, stdout: 'Migrations applied.' });
  });
});

/** The app's own cores (checkout, reconciliation's fulfilment, the receipt route) on the stack's configuration. */
function app() {
  const services = createBillingServices(stack.env, { timeoutMs: 10_000 });
  return {
    services,
    async buy(userId: string): Promise<string> {
      const token = await stack.mintToken({ userId, email: 'ada@example.com' });
      const request = new Request(`${APP_URL}/api/billing/checkout`, {
        method: 'POST',
        headers: { origin: APP_URL, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ priceId: LOCAL_PRICES.singleFlight.id }),
      });
      const response = await handleCheckout(request, { ...services, waitUntil: () => {}, log: () => {} });
      expect(response.status).toBe(303);
      return /\/c\/pay\/(cs_[A-Za-z0-9_]+)/.exec(response.headers.get('location') ?? '')![1]!;
    },
    reconcile: () => reconcileBilling(services, { stateId: 'local-tools-restart', initialDays: 1 }),
    receipt: (purchaseId: string, clerkUserId: string) => handleReceipt(purchaseId, { db: services.db, stripe: services.stripe, clerkUserId }),
  };
}

it('a restart on the same state directory keeps receipts working, and the stack’s keys, customers, users and endpoint', async () => {
  const before = app();
  const sessionId = await before.buy('user_demo_ada');
  await stack.stripe.completeSession(sessionId);
  // The webhook has no app to reach here; reconciliation runs the same fulfilment (the session's undelivered
  // checkout.session.completed event is replayed first, so the fix is reported against the event).
  const first = await before.reconcile();
  expect(first.fixed).toContainEqual(expect.objectContaining({ outcome: 'credited' }));
  // The sessions other tests made with the bare SDK carry no marker: unmatched (not ours), before and after.
  const unmatched = first.unmatched.map((u) => u.stripeCheckoutSessionId).sort();
  expect(unmatched).not.toContain(sessionId);
  const [purchase] = await stack.neon.query('select id from purchases where stripe_checkout_session_id = $1', [sessionId]);
  const purchaseId = String(purchase?.id);
  expect((await before.receipt(purchaseId, 'user_demo_ada')).status).toBe(303);
  const customers = stack.stripe.customers().map((c) => c.id);
  const endpoints = (await stripe.webhookEndpoints.list()).data.map((e) => e.id);
  const keys = [stack.env.STRIPE_SECRET_KEY, stack.env.STRIPE_WEBHOOK_SECRET, stack.env.CLERK_SECRET_KEY];

  await stop();
  await start();

  const after = app();
  const receipt = await after.receipt(purchaseId, 'user_demo_ada');
  expect(receipt.status).toBe(303);
  const page = await fetch(receipt.headers.get('location')!);
  expect(page.status).toBe(200);
  // Nothing to fix and nothing newly unmatched: our session's marker is still vouched for by the (kept) Stripe key.
  const report = await after.reconcile();
  expect(report.fixed).toEqual([]);
  expect(report.unmatched.map((u) => u.stripeCheckoutSessionId).sort()).toEqual(unmatched);
  expect([stack.env.STRIPE_SECRET_KEY, stack.env.STRIPE_WEBHOOK_SECRET, stack.env.CLERK_SECRET_KEY]).toEqual(keys);
  expect(stack.stripe.customers().map((c) => c.id)).toEqual(customers);
  expect((await stripe.webhookEndpoints.list()).data.map((e) => e.id)).toEqual(endpoints);
  expect(stack.clerk.users().map((u) => u.id)).toEqual(['user_demo_ada', 'user_demo_grace']);
});

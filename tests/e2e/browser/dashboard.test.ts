// The local dashboard in Chromium with JavaScript off, against a stack of this file's own: a developer refunds part of
// a payment, opens a dispute and loses it, redelivers an event and shortens the buyers' token lifetime, each by a
// form that posts and comes back to the page with what happened.
import type { BrowserContext, Page } from 'playwright-core';
import type Stripe from 'stripe';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startControlServer, type ControlServer } from '@local/control';
import { dashboardPages } from '@local/dashboard';
import { LOCAL_PRICES, startLocalStack, type LocalStack } from '@local/stack';
import { launchChromium, paidSession } from '../../support/local-stack-tools';
import { sdkFor } from '../../support/stripe-sdk';

const APP_URL = 'http://localhost:9'; // no app: the dashboard needs only the stack
let stack: LocalStack;
let control: ControlServer;
let stripe: Stripe;
let browser: BrowserContext;
let page: Page;
let charge: string;

beforeAll(async () => {
  stack = await startLocalStack({ appUrl: APP_URL, seedUsers: true, webhookEndpoint: true, webhookRetryDelaysMs: [] });
  control = await startControlServer(stack, {}, dashboardPages(stack));
  stripe = sdkFor(stack.stripe.url, stack.env.STRIPE_SECRET_KEY!, { maxNetworkRetries: 0 });
  charge = (await paidSession(stack, stripe, LOCAL_PRICES.serialEntrepreneur.id)).charge;
  browser = await launchChromium({ javaScriptEnabled: false });
  page = browser.pages()[0] ?? (await browser.newPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await control?.stop();
  await stack?.stop();
});

const chargeRow = () => page.locator('tr', { has: page.locator(`code:text-is("${charge}")`) });
const flash = () => page.getByRole('status');

it('refunds part of a payment, then opens a dispute on it and closes it lost', async () => {
  await page.goto(`${control.url}/`);
  await expect(chargeRow().textContent()).resolves.toContain('149.00 USD');
  await chargeRow().locator('input[name="amount"]').fill('4900');
  await chargeRow().getByRole('button', { name: 'Refund' }).click();
  await expect(flash().textContent()).resolves.toBe(`Refunded 4900 cents of ${charge} (${(await stripe.refunds.list({ charge })).data[0]!.id}).`);
  expect((await stripe.charges.retrieve(charge)).amount_refunded).toBe(4900);

  await chargeRow().getByRole('button', { name: 'Open dispute' }).click();
  const [dispute] = stack.stripe.payments().disputes;
  expect(dispute).toMatchObject({ charge, amount: 14900 - 4900, status: 'needs_response' });
  await page.locator('tr', { has: page.locator(`code:text-is("${dispute!.id}")`) }).getByRole('button', { name: 'Close: lost' }).click();
  await expect(flash().textContent()).resolves.toBe(`Dispute ${dispute!.id}: lost.`);
  expect(stack.stripe.payments().disputes[0]?.status).toBe('lost');
});

it('redelivers an event from the events page', async () => {
  await stack.stripe.webhooksIdle();
  const event = stack.stripe.events().find((e) => e.type === 'checkout.session.completed')!;
  const before = stack.stripe.deliveries.filter((d) => d.eventId === event.id).length;
  await page.goto(`${control.url}/events`);
  await page.locator('tr', { has: page.locator(`code:text-is("${event.id}")`) }).getByRole('button', { name: 'Redeliver' }).click();
  await expect(flash().textContent()).resolves.toBe(`Redelivered ${event.id}.`);
  expect(page.url()).toMatch(/\/events\?done=/);
  await stack.stripe.webhooksIdle();
  expect(stack.stripe.deliveries.filter((d) => d.eventId === event.id)).toHaveLength(before + 1);
});

it('shortens the buyers’ token lifetime and fails the next Stripe call from the controls page', async () => {
  await page.goto(`${control.url}/controls`);
  await page.getByRole('button', { name: 'Tokens live 5 s' }).click();
  await expect(flash().textContent()).resolves.toContain('5 s');
  // A sign-in on the Clerk stand-in now hands the browser a token that lives 5 s.
  const signIn = await fetch(stack.clerk.signInUrl, { method: 'POST', body: new URLSearchParams({ user_id: 'user_demo_ada' }), redirect: 'manual' });
  const token = /__session=([^;]+)/.exec(signIn.headers.getSetCookie().join('\n'))?.[1] ?? '';
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { iat: number; exp: number };
  expect(claims.exp - claims.iat).toBe(5);
  await page.getByRole('button', { name: 'Fail the next stripe call' }).click();
  await expect(stripe.prices.retrieve(LOCAL_PRICES.singleFlight.id)).rejects.toMatchObject({ statusCode: 500 });
  await expect(stripe.prices.retrieve(LOCAL_PRICES.singleFlight.id)).resolves.toMatchObject({ id: LOCAL_PRICES.singleFlight.id });
});

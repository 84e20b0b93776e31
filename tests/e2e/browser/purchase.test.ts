// A person buying credits in Chromium against `next start`: sign in on the Clerk stand-in, read past the token's
// lifetime, Buy Now (the app refreshes the session through Clerk's handshake and carries on to Stripe), Pay, see the
// credits; a signed-out buyer keeps the chosen pack through sign-in; a bad price or Stripe being down ends on a page
// with a way back; sign out. A screenshot of each step goes to .local/screenshots/ (git-ignored).
import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../../support/local-stack-tools';
import { stack } from '../../support/stack';

const shots = '.local/screenshots';
// Short tokens, so the test can read past one's lifetime (Clerk's are 60 s; verification allows 5 s of clock skew).
const TOKEN_TTL_SECONDS = 6;
const CLOCK_SKEW_SECONDS = 5;
let browser: BrowserContext;
let page: Page;
let appUrl: string;
let env: Record<string, string>;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  [appUrl, env] = await Promise.all([stack.app(), stack.env()]);
  await stack.clerk('setSessionTtlSeconds', TOKEN_TTL_SECONDS);
  browser = await launchChromium();
  page = browser.pages()[0] ?? (await browser.newPage());
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack.clerk('setSessionTtlSeconds', 60);
});

const snap = (name: string) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
// Next's route announcer is an (empty) alert too.
const notice = () => page.locator('p.notice[role="alert"]');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function sessionExpiry(): Promise<number> {
  const cookie = (await browser.cookies(appUrl)).find((c) => c.name === '__session');
  expect(cookie?.value).toBeTruthy();
  return (JSON.parse(Buffer.from(cookie!.value.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
}

it('buys after the session token expired: one Buy Now press reaches Stripe, pays, and shows the credits', async () => {
  await page.goto(appUrl);
  await page.getByRole('heading', { name: 'Workshop credits' }).waitFor();
  await snap('1-pricing-signed-out');

  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' }).click();
  await page.waitForURL(/\/sign-in/);
  await snap('2-local-sign-in');
  await page.getByRole('button', { name: /Ada/ }).click();
  await page.waitForURL(`${appUrl}/`);
  await expect(page.getByTestId('account-email').textContent()).resolves.toBe('ada@example.com');
  await expect(page.getByTestId('balance').textContent()).resolves.toBe('0');
  await snap('3-pricing-signed-in');

  // Reading the page for longer than the token lives: wait until Clerk itself would call the token expired.
  const exp = await sessionExpiry();
  await expect.poll(() => Date.now() / 1000 > exp + CLOCK_SKEW_SECONDS, { timeout: 60_000, interval: 250 }).toBe(true);

  const handshakesBefore = (await stack.clerk<unknown[]>('handshakeLog')).length;
  await page.getByRole('button', { name: 'Buy Single Flight Workshop now' }).click();
  await page.waitForURL(new RegExp(`^${escape(env.STRIPE_API_BASE!)}/c/pay/cs_test_`));
  const handshakes = (await stack.clerk<{ outcome: string }[]>('handshakeLog')).slice(handshakesBefore);
  expect(handshakes.map((h) => h.outcome)).toContain('signed_in');
  await expect(page.getByText('Single Flight Workshop').first().isVisible()).resolves.toBe(true);
  await snap('4-stripe-checkout');

  await page.getByRole('button', { name: /^Pay/ }).first().click();
  await page.waitForURL(new RegExp(`^${escape(appUrl)}/purchase/success\\?session_id=cs_test_`));
  await expect(page.getByTestId('balance').textContent()).resolves.toBe('1');
  await expect(page.getByTestId('account-email').textContent()).resolves.toBe('ada@example.com');
  await snap('5-success');

  await page.goto(appUrl);
  await expect(page.getByTestId('balance').textContent()).resolves.toBe('1');
  await snap('6-pricing-new-balance');

  await page.getByRole('link', { name: 'Your purchases' }).click();
  await page.waitForURL(`${appUrl}/purchases`);
  await expect(page.getByTestId('purchases').getByText('Single Flight Workshop').isVisible()).resolves.toBe(true);
  await expect(page.getByTestId('status').first().textContent()).resolves.toBe('paid');
  await snap('7-purchase-history');
});

it('shows a page with a way back for a bad price and for Stripe being down, never JSON', async () => {
  await page.goto(appUrl);
  // A tampered form (the server's price map decides): the pricing page with our notice.
  await page.locator('form[data-buy-intent] input[name="priceId"]').first().evaluate((input: HTMLInputElement) => (input.value = 'price_tampered'));
  await page.getByRole('button', { name: 'Buy Single Flight Workshop now' }).click();
  await page.waitForURL(`${appUrl}/?notice=invalid_price`);
  await expect(notice().textContent()).resolves.toBe('That pack is not on sale. Please choose one of the packs below.');
  await expect(page.getByRole('button', { name: 'Buy Single Flight Workshop now' }).isVisible()).resolves.toBe(true);
  await snap('7-notice-invalid-price');

  // Stripe answering 500 to every attempt (the SDK retries twice).
  await stack.stripe('failNext', { path: '/v1/checkout/sessions', method: 'POST', count: 3, kind: 'error500' });
  try {
    await page.getByRole('button', { name: 'Buy Serial Entrepreneur Pack now' }).click();
    await page.waitForURL(`${appUrl}/?notice=stripe_unavailable`);
  } finally {
    await stack.stripe('clearFaults');
  }
  await expect(notice().textContent()).resolves.toContain('The payment provider did not answer. Nothing was charged');
  expect(await page.content()).not.toContain('"error"');
  await snap('8-notice-stripe-down');

  // A form on another origin (here an opaque one: Origin null) posting to the checkout: a 403 page with a way back.
  const foreign = `<form method="post" action="${appUrl}/api/billing/checkout"><input name="priceId" value="${env.STRIPE_PRICE_SINGLE_FLIGHT}"><button>Go</button></form>`;
  await page.goto(`data:text/html,${encodeURIComponent(foreign)}`);
  const refused = page.waitForResponse(`${appUrl}/api/billing/checkout`);
  await page.getByRole('button', { name: 'Go' }).click();
  expect((await refused).status()).toBe(403);
  await page.getByRole('heading', { name: 'Checkout refused' }).waitFor();
  await snap('11-cross-site-refused');
  await page.getByRole('link', { name: 'Back to the pricing page' }).click();
  await page.waitForURL(`${appUrl}/`);
});

it('keeps the chosen pack through sign-in, shows Continue, and signs out', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${appUrl}/`);
  await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
  await snap('9-signed-out');

  const serial = env.STRIPE_PRICE_SERIAL_ENTREPRENEUR!;
  await page.getByRole('link', { name: 'Sign in to buy' }).nth(1).click();
  await page.waitForURL(/\/sign-in/);
  await page.getByRole('button', { name: /Grace/ }).click();
  await page.waitForURL(`${appUrl}/?buy=${serial}`);
  const continueButton = page.getByRole('button', { name: 'Continue: Serial Entrepreneur Pack, $149.00' });
  // Arrived from another site (the sign-in page), not from this tab's Buy Now: Continue waits for the click.
  await expect(continueButton.isVisible()).resolves.toBe(true);
  await expect(page.getByTestId('account-email').textContent()).resolves.toBe('grace@example.com');
  await snap('10-continue-after-sign-in');

  await continueButton.click();
  await page.waitForURL(new RegExp(`^${escape(env.STRIPE_API_BASE!)}/c/pay/cs_test_`));
  await expect(page.getByText('Serial Entrepreneur Pack').first().isVisible()).resolves.toBe(true);
});

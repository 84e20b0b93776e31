// A person buying credits: local sign-in → pricing → Buy Now → the emulator's checkout page → Pay → success page →
// pricing shows the new balance. A screenshot of each step goes to .local/screenshots/ (git-ignored).
import { mkdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stack } from '../../support/stack';

const shots = '.local/screenshots';
let browser: BrowserContext;
let page: Page;
let appUrl: string;
let env: Record<string, string>;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  [appUrl, env] = await Promise.all([stack.app(), stack.env()]);
  // A fresh profile each run; the flags keep Chromium from reaching for the (closed) network.
  browser = await chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), 'chromium-')), {
    // Debian's package by default; CHROMIUM_PATH points elsewhere (another distribution, a downloaded build).
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
}, 240_000);

afterAll(async () => browser?.close());

const snap = (name: string) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });

it('buys a Single Flight credit end to end and sees the balance', async () => {
  await page.goto(appUrl);
  await expect(page.getByRole('heading', { name: 'Workshop credits' }).isVisible()).resolves.toBe(true);
  await snap('1-pricing-signed-out');

  await page.getByRole('link', { name: 'Sign in to buy' }).first().click();
  await page.waitForURL(/\/sign-in/);
  await snap('2-local-sign-in');
  await page.getByRole('button', { name: /Ada/ }).click();
  await page.waitForURL(`${appUrl}/`);
  await expect(page.getByTestId('balance').textContent()).resolves.toBe('0');
  await snap('3-pricing-signed-in');

  await page.getByRole('button', { name: 'Buy Single Flight Workshop now' }).click();
  await page.waitForURL(new RegExp(`^${env.STRIPE_API_BASE}/c/pay/cs_test_`));
  await expect(page.getByText('Single Flight Workshop').first().isVisible()).resolves.toBe(true);
  await snap('4-stripe-checkout');

  await page.getByRole('button', { name: /^Pay/ }).first().click();
  await page.waitForURL(new RegExp(`^${appUrl}/purchase/success\\?session_id=cs_test_`));
  await expect(page.getByTestId('balance').textContent()).resolves.toBe('1');
  await snap('5-success');

  await page.reload();
  await expect(page.getByTestId('balance').textContent()).resolves.toBe('1');

  await page.goto(appUrl);
  await expect(page.getByTestId('balance').textContent()).resolves.toBe('1');
  await snap('6-pricing-new-balance');

  await page.getByRole('link', { name: 'Your purchases' }).click();
  await page.waitForURL(`${appUrl}/purchases`);
  await expect(page.getByTestId('purchases').getByText('Single Flight Workshop').isVisible()).resolves.toBe(true);
  await expect(page.getByTestId('status').first().textContent()).resolves.toBe('paid');
  await snap('7-purchase-history');
});

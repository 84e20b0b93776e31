// Helpers for the tests of the developer tools around `npm run local` (tests/local/local-tools, the dashboard in
// Chromium): a paid Checkout Session made as the hosted page's Pay button makes it, and Chromium started offline.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import type Stripe from 'stripe';
import type { LocalStack } from '@local/stack';

/** A paid Checkout Session of Ada's for `priceId`, and its charge. */
export async function paidSession(stack: LocalStack, stripe: Stripe, priceId: string): Promise<{ session: string; charge: string }> {
  const appUrl = stack.env.NEXT_PUBLIC_APP_URL!;
  const customer = await stripe.customers.create({ email: 'ada@example.com' });
  const created = await stripe.checkout.sessions.create({
    mode: 'payment',
    customer: customer.id,
    line_items: [{ price: priceId, quantity: 1 }],
    success_url: `${appUrl}/purchase/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${appUrl}/`,
  });
  await stack.stripe.completeSession(created.id);
  const session = await stripe.checkout.sessions.retrieve(created.id);
  const charge = (await stripe.paymentIntents.retrieve(session.payment_intent as string)).latest_charge as string;
  return { session: created.id, charge };
}

/** Debian's Chromium (or CHROMIUM_PATH) with a fresh profile; the flags keep it from reaching for the (closed) network. */
export async function launchChromium(options: { javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), 'chromium-')), {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    ...options,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}

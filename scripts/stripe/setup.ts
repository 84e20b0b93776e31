// `npm run stripe:setup`'s work: finds or creates each catalogue price by lookup key, creates or updates the webhook
// endpoint for this app with exactly the event types the webhook core handles, and writes the ids into the env file.
// Idempotent: a second run finds everything in place, changes nothing and says so.
import type Stripe from 'stripe';
import { HANDLED_EVENT_TYPES } from '../../src/lib/fulfilment/handle-stripe-event';
import { CATALOGUE, type CatalogueEntry } from '../../src/lib/checkout/price-config';
import { createStripeClient } from '../../src/lib/http/stripe';
import { formatMoneyCode } from '../../src/lib/receipts/format-money-code';
import { readEnvFile, updateEnvFile, type EnvWrite } from './env-file';

export interface SetupOptions {
  secretKey: string;
  /** The Stripe emulator's base URL; unset = api.stripe.com. */
  apiBase?: string;
  appUrl: string;
  envFile: string;
  dryRun?: boolean;
  /** Required to touch a live-mode account. */
  live?: boolean;
  out?: (line: string) => void;
}

export interface SetupResult {
  /** Changes made (or, in a dry run, that would be made) at Stripe and in the env file. */
  changes: number;
  webhookSecret?: string;
}

export const isLiveKey = (key: string) => /^(sk|rk)_live_/.test(key);
export const webhookUrl = (appUrl: string) => `${new URL(appUrl).origin}/api/billing/webhook`;

/** The active one-time price holding the lookup key, and whether it matches the catalogue. */
export async function findCataloguePrice(stripe: Stripe, entry: CatalogueEntry): Promise<Stripe.Price | undefined> {
  const { data } = await stripe.prices.list({ lookup_keys: [entry.lookupKey], expand: ['data.product'] });
  return data[0];
}

const matches = (price: Stripe.Price, entry: CatalogueEntry) =>
  price.active && price.type === 'one_time' && price.currency === entry.currency && price.unit_amount === entry.amountCents;

const sameEvents = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

export async function runStripeSetup(options: SetupOptions): Promise<SetupResult> {
  const out = options.out ?? ((line: string) => console.log(line));
  const dry = options.dryRun === true;
  if (isLiveKey(options.secretKey) && !options.live) {
    throw new Error('Refusing to change a live Stripe account: STRIPE_SECRET_KEY is a live key. Re-run with --live if that is what you want.');
  }
  const stripe = createStripeClient({ secretKey: options.secretKey, apiBase: options.apiBase, maxNetworkRetries: 2, timeoutMs: 20_000 });
  const would = dry ? 'would ' : '';
  let changes = 0;
  const writes: EnvWrite[] = [];

  for (const entry of Object.values(CATALOGUE)) {
    let price = await findCataloguePrice(stripe, entry);
    const amount = formatMoneyCode(entry.amountCents, entry.currency);
    if (price && matches(price, entry)) {
      out(`✓ ${entry.label}: ${price.id} (${amount}, lookup key ${entry.lookupKey})`);
    } else {
      changes++;
      const product = typeof price?.product === 'object' ? price.product.id : price?.product;
      // Prices are immutable in amount: a different amount means a new price that takes over the lookup key.
      const why = price ? `${price.id} no longer matches (${price.unit_amount ?? '?'} ${price.currency}, active=${String(price.active)})` : 'none yet';
      out(`+ ${entry.label}: ${would}create a ${amount} price with lookup key ${entry.lookupKey} (${why})`);
      if (!dry) {
        const created = await stripe.prices.create({
          currency: entry.currency,
          unit_amount: entry.amountCents,
          lookup_key: entry.lookupKey,
          transfer_lookup_key: price !== undefined,
          ...(product ? { product } : { product_data: { name: entry.label } }),
        });
        if (price?.active) await stripe.prices.update(price.id, { active: false });
        price = created;
      }
    }
    if (price && matches(price, entry)) writes.push({ name: entry.envVar, value: price.id });
  }

  const url = webhookUrl(options.appUrl);
  const events = [...HANDLED_EVENT_TYPES];
  const endpoints = await stripe.webhookEndpoints.list({ limit: 100 });
  const endpoint = endpoints.data.find((e) => e.url === url);
  let webhookSecret: string | undefined;
  if (!endpoint) {
    changes++;
    out(`+ webhook endpoint ${url}: ${would}create, subscribed to ${events.join(', ')}`);
    if (!dry) {
      const created = await stripe.webhookEndpoints.create({ url, enabled_events: events, description: 'Workshop credits fulfilment' });
      webhookSecret = created.secret;
      // Stripe shows the signing secret only now; it goes into the env file and is printed this once.
      out(`  signing secret (shown once; also written to ${options.envFile}): ${webhookSecret ?? '(none returned)'}`);
      if (webhookSecret) writes.push({ name: 'STRIPE_WEBHOOK_SECRET', value: webhookSecret, secret: true });
    }
  } else if (endpoint.status !== 'enabled' || !sameEvents(endpoint.enabled_events, events)) {
    changes++;
    out(`~ webhook endpoint ${endpoint.id}: ${would}enable it and subscribe it to exactly ${events.join(', ')} (was ${endpoint.status}: ${endpoint.enabled_events.join(', ')})`);
    if (!dry) await stripe.webhookEndpoints.update(endpoint.id, { enabled_events: events, disabled: false });
  } else {
    out(`✓ webhook endpoint ${endpoint.id}: ${url}, ${events.join(', ')}`);
  }

  for (const change of updateEnvFile(options.envFile, writes, dry)) {
    const secret = writes.find((w) => w.name === change.name)?.secret === true;
    if (change.kind === 'unchanged') continue;
    changes++;
    const was = change.kind === 'replaced' ? ` (replacing ${secret ? 'the previous secret' : (change.previous ?? '')})` : '';
    out(`${change.kind === 'added' ? '+' : '~'} ${options.envFile}: ${would}${change.kind === 'added' ? 'set' : 'replace'} ${change.name}${was}`);
  }
  if (endpoint && !readEnvFile(options.envFile).STRIPE_WEBHOOK_SECRET) {
    out(`  (the endpoint's signing secret is only shown when it is created: if STRIPE_WEBHOOK_SECRET is not set, copy it from Stripe Dashboard → Developers → Webhooks → ${endpoint.id} → Signing secret)`);
  }
  out(changes === 0 ? 'Nothing to do: Stripe and the env file already match the catalogue.' : dry ? `Dry run: ${changes} change(s) not made.` : `Done: ${changes} change(s).`);
  return { changes, webhookSecret };
}

// `npm run check:env -- --live` (alias `npm run stripe:doctor`): checks the configured accounts against the catalogue.
// Each configured price must exist, be active, one-time, in the catalogue's currency and amount (what the pricing
// page shows); the webhook endpoint must exist, be enabled, point at this app and subscribe to the handled events;
// the Clerk keys must be of one mode and CLERK_JWT_KEY one of the instance's signing keys. Every problem says where to fix it.
import { createPublicKey } from 'node:crypto';
import { HANDLED_EVENT_TYPES } from '../../src/lib/fulfilment/handle-stripe-event';
import { CATALOGUE } from '../../src/lib/checkout/price-config';
import { createStripeClient } from '../../src/lib/http/stripe';
import { formatMoneyCode } from '../../src/lib/receipts/format-money-code';
import { webhookUrl } from './setup';

export interface DoctorInput {
  env: Partial<Record<string, string>>;
  out?: (line: string) => void;
}

const money = (cents: number | null, currency: string) => (cents === null ? `? ${currency.toUpperCase()}` : formatMoneyCode(cents, currency));
const FIX_PRICE = 'run `npm run stripe:setup`, or Stripe Dashboard → Product catalogue → the product → Pricing';

export async function runDoctor({ env, out = (line) => console.log(line) }: DoctorInput): Promise<string[]> {
  const problems: string[] = [];
  const problem = (text: string) => {
    problems.push(text);
    out(`✗ ${text}`);
  };
  if (!env.STRIPE_SECRET_KEY) {
    problem('STRIPE_SECRET_KEY is not set: Stripe Dashboard → Developers → API keys');
    return problems;
  }
  const stripe = createStripeClient({ secretKey: env.STRIPE_SECRET_KEY, apiBase: env.STRIPE_API_BASE || undefined, timeoutMs: 20_000 });

  for (const entry of Object.values(CATALOGUE)) {
    const id = env[entry.envVar];
    if (!id) {
      problem(`${entry.envVar} is not set (${entry.label}): ${FIX_PRICE}`);
      continue;
    }
    const price = await stripe.prices.retrieve(id).catch((e: { statusCode?: number }) => {
      if (e.statusCode === 404) return null;
      throw e;
    });
    if (!price) {
      problem(`${entry.envVar}=${id} does not exist in this Stripe account (test and live mode have separate prices): ${FIX_PRICE}`);
      continue;
    }
    const before = problems.length;
    if (!price.active) problem(`${entry.envVar}=${id} is archived (inactive); Checkout refuses it: ${FIX_PRICE}`);
    if (price.type !== 'one_time') problem(`${entry.envVar}=${id} is a ${price.type} price; the packs are one-time purchases: ${FIX_PRICE}`);
    if (price.currency !== entry.currency || price.unit_amount !== entry.amountCents) {
      problem(
        `${entry.envVar}=${id} charges ${money(price.unit_amount, price.currency)} but the pricing page shows ${money(entry.amountCents, entry.currency)}` +
          ` (${entry.label}): make them agree — change the amount in src/lib/checkout/price-config.ts, or ${FIX_PRICE}`,
      );
    }
    if (problems.length === before) out(`✓ ${entry.envVar}=${id}: ${money(price.unit_amount, price.currency)}, one-time, active`);
  }

  if (!env.NEXT_PUBLIC_APP_URL) {
    problem('NEXT_PUBLIC_APP_URL is not set, so the webhook endpoint cannot be checked: set it to the site’s origin');
  } else {
    const url = webhookUrl(env.NEXT_PUBLIC_APP_URL);
    const { data } = await stripe.webhookEndpoints.list({ limit: 100 });
    const endpoint = data.find((e) => e.url === url);
    const fix = 'run `npm run stripe:setup`, or Stripe Dashboard → Developers → Webhooks';
    if (!endpoint) {
      const others = data.map((e) => e.url).join(', ');
      problem(`no webhook endpoint points at ${url}${others ? ` (endpoints: ${others})` : ''}: ${fix}`);
    } else {
      const missing = HANDLED_EVENT_TYPES.filter((t) => !endpoint.enabled_events.includes(t) && !endpoint.enabled_events.includes('*'));
      if (endpoint.status !== 'enabled') problem(`webhook endpoint ${endpoint.id} (${url}) is ${endpoint.status}: ${fix}`);
      if (missing.length) problem(`webhook endpoint ${endpoint.id} does not subscribe to ${missing.join(', ')}: ${fix}`);
      if (endpoint.status === 'enabled' && !missing.length) out(`✓ webhook endpoint ${endpoint.id}: ${url}, ${endpoint.enabled_events.join(', ')}`);
    }
    if (!env.STRIPE_WEBHOOK_SECRET) problem(`STRIPE_WEBHOOK_SECRET is not set: Stripe Dashboard → Developers → Webhooks → the endpoint → Signing secret`);
  }

  await checkClerk(env, problem, out);
  out(problems.length === 0 ? 'Live check OK' : `${problems.length} problem(s)`);
  return problems;
}

// Stripe never shows a webhook secret again, so it cannot be compared; Clerk's signing keys can: the PEM in
// CLERK_JWT_KEY must be one of the instance's JWKS keys, or every session token would fail verification.
async function checkClerk(env: Partial<Record<string, string>>, problem: (t: string) => void, out: (l: string) => void): Promise<void> {
  const pk = env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY ?? '';
  const sk = env.CLERK_SECRET_KEY ?? '';
  const mode = (key: string) => /^(pk|sk)_(test|live)_/.exec(key)?.[2];
  if (!sk) {
    problem('CLERK_SECRET_KEY is not set: Clerk Dashboard → Configure → API keys');
    return;
  }
  // Not against the local stand-in (CLERK_API_URL set), which pairs a pk_live_ key for host clerk.localhost with a
  // test secret on purpose (see README, "Where the stand-ins differ").
  if (!env.CLERK_API_URL && mode(pk) && mode(sk) && mode(pk) !== mode(sk)) {
    problem(`NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY is a ${mode(pk)} key but CLERK_SECRET_KEY a ${mode(sk)} key: take both from the same instance (Clerk Dashboard → Configure → API keys)`);
  }
  if (!env.CLERK_JWT_KEY) return;
  const api = (env.CLERK_API_URL || 'https://api.clerk.com').replace(/\/$/, '');
  const response = await fetch(`${api}/v1/jwks`, { headers: { authorization: `Bearer ${sk}` } });
  if (response.status === 401) {
    problem('CLERK_SECRET_KEY is not accepted by Clerk: Clerk Dashboard → Configure → API keys → Secret key');
    return;
  }
  if (!response.ok) {
    problem(`Clerk's JWKS could not be read (HTTP ${response.status}); retry later`);
    return;
  }
  const { keys = [] } = (await response.json()) as { keys?: { n?: string; e?: string }[] };
  const ours = createPublicKey(env.CLERK_JWT_KEY.replace(/\\n/g, '\n')).export({ format: 'jwk' });
  if (keys.some((k) => k.n === ours.n && k.e === ours.e)) out('✓ CLERK_JWT_KEY is a signing key of the instance CLERK_SECRET_KEY belongs to');
  else problem('CLERK_JWT_KEY is not a signing key of the Clerk instance CLERK_SECRET_KEY belongs to: Clerk Dashboard → Configure → API keys → JWT public key (PEM), same instance');
}

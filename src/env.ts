// The app's configuration, validated once: the only module that reads process.env. Every variable is listed by hand
// because edge bundles inline `process.env.NAME` and cannot enumerate process.env.
import { createEnv } from '@t3-oss/env-nextjs';
// zod/mini: the same validation, tree-shakable, so the edge routes that read this module carry a few KB of it, not ~100.
import * as z from 'zod/mini';

const dashboardPriceHelp = (product: string) =>
  `run \`npm run stripe:setup\`, or Stripe Dashboard → Products → ${product} → Pricing section → copy the Price ID (price_…)`;

// The plan's Task 0 failure (a Product id where a Price id belongs) made Checkout fail only at runtime with
// "No such price"; catching it here turns it into a build/start error that says where the right value is.
const priceId = (name: string, product: string) =>
  z.string({ error: `${name} is missing: ${dashboardPriceHelp(product)}` }).check(
    z.minLength(1, `${name} is empty: ${dashboardPriceHelp(product)}`),
    z.refine((v) => !v.startsWith('prod_'), `${name} holds a Product id (prod_…), not a Price id: ${dashboardPriceHelp(product)}`),
    z.refine((v) => v.startsWith('prod_') || /^price_[A-Za-z0-9_]+$/.test(v), `${name} must be a Stripe Price id (price_…): ${dashboardPriceHelp(product)}`),
  );

const required = (name: string, where: string, ...checks: z.core.$ZodCheck<string>[]) =>
  z.string({ error: `${name} is missing: ${where}` }).check(z.minLength(1, `${name} is empty: ${where}`), ...checks);

const flag = (name: string) =>
  z.optional(z.enum(['true', 'false'], { error: `${name} must be true or false (unset = false)` }));

// Stripe's Checkout locales (Stripe.Checkout.SessionCreateParams.Locale).
const CHECKOUT_LOCALES = [
  'auto', 'bg', 'cs', 'da', 'de', 'el', 'en', 'en-GB', 'es', 'es-419', 'et', 'fi', 'fil', 'fr', 'fr-CA', 'hr', 'hu', 'id',
  'it', 'ja', 'ko', 'lt', 'lv', 'ms', 'mt', 'nb', 'nl', 'pl', 'pt', 'pt-BR', 'ro', 'ru', 'sk', 'sl', 'sv', 'th', 'tr', 'vi',
  'zh', 'zh-HK', 'zh-TW',
] as const;

const optionalUrl = (name: string) => z.optional(z.url({ error: `${name} must be a URL` }));

const wholeNumber = (name: string, min: number, max: number, fallback: number) =>
  z._default(
    z.coerce.number({ error: `${name} must be a number` }).check(z.refine((v) => Number.isInteger(v) && v >= min && v <= max, `${name} must be a whole number from ${min} to ${max}`)),
    fallback,
  );

/** The Frontend API host a publishable key names (`pk_…_` + base64 of `<host>$`), or null when it is not one. */
function publishableKeyHost(key: string | undefined): string | null {
  const encoded = key?.match(/^pk_(?:test|live)_([A-Za-z0-9+/=_-]+)$/)?.[1];
  if (!encoded) return null;
  try {
    const decoded = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    return decoded.endsWith('$') ? decoded.slice(0, -1) : null;
  } catch {
    return null;
  }
}

const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\])$/;

// clerkMiddleware's proxyUrl sends every handshake (with the buyer's session token in the URL) to that address. Only
// the local Clerk stand-in may receive it: refused unless both the URL and the publishable key's host are local.
function checkLocalProxy(proxyUrl: string | undefined, publishableKey: string | undefined): string[] {
  if (!proxyUrl) return [];
  const keyHost = publishableKeyHost(publishableKey);
  const problems: string[] = [];
  if (!isLocalClerkHost(keyHost)) {
    problems.push('CLERK_LOCAL_PROXY_URL is only for the local Clerk stand-in: the publishable key names a real Clerk instance, so unset CLERK_LOCAL_PROXY_URL');
  }
  if (!URL.canParse(proxyUrl)) return problems;
  if (!LOCAL_HOST.test(new URL(proxyUrl).hostname)) {
    problems.push('CLERK_LOCAL_PROXY_URL must point at this machine (http://localhost:PORT, the Clerk stand-in); unset it for real Clerk');
  }
  return problems;
}

const isLocalClerkHost = (host: string | null) => host !== null && (host === 'localhost' || host.endsWith('.localhost'));

// The bench routes open a checkout without the Origin check; a publishable key of a real Clerk instance means a real
// deployment, where they must stay shut.
function checkBenchRoutes(flag: string | undefined, publishableKey: string | undefined): string[] {
  if (flag !== '1' || isLocalClerkHost(publishableKeyHost(publishableKey))) return [];
  return ['BILLING_BENCH_ROUTES=1 is only for `npm run bench` against the local stack: the publishable key names a real Clerk instance, so unset BILLING_BENCH_ROUTES'];
}

const localOnlyProblems = (vars: { CLERK_LOCAL_PROXY_URL?: string; NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY?: string; BILLING_BENCH_ROUTES?: string }) => [
  ...checkLocalProxy(vars.CLERK_LOCAL_PROXY_URL, vars.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY),
  ...checkBenchRoutes(vars.BILLING_BENCH_ROUTES, vars.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY),
];

const fail = (lines: string[]): never => {
  throw new Error(`Invalid environment configuration:\n${[...new Set(lines)].map((line) => `  - ${line}`).join('\n')}`);
};

export const env = createEnv({
  server: {
    DATABASE_URL: required(
      'DATABASE_URL',
      'Neon Console → your project → Connection string (postgresql://…)',
      z.refine((v) => /^postgres(ql)?:\/\//.test(v), 'DATABASE_URL must be a postgresql:// connection string (Neon Console → Connection string)'),
    ),
    NEON_FETCH_ENDPOINT: optionalUrl('NEON_FETCH_ENDPOINT'),
    STRIPE_SECRET_KEY: required(
      'STRIPE_SECRET_KEY',
      'Stripe Dashboard → Developers → API keys → Secret key (sk_test_… / sk_live_…)',
      z.refine((v) => /^(sk|rk)_(test|live)_/.test(v), 'STRIPE_SECRET_KEY must be a secret or restricted key (sk_test_…, sk_live_…, rk_…): Stripe Dashboard → Developers → API keys'),
    ),
    STRIPE_API_BASE: optionalUrl('STRIPE_API_BASE'),
    STRIPE_WEBHOOK_SECRET: required(
      'STRIPE_WEBHOOK_SECRET',
      'Stripe Dashboard → Developers → Webhooks → your endpoint → Signing secret (whsec_…)',
      z.startsWith('whsec_', 'STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_…): Stripe Dashboard → Developers → Webhooks → Signing secret'),
    ),
    STRIPE_PRICE_SINGLE_FLIGHT: priceId('STRIPE_PRICE_SINGLE_FLIGHT', 'Single Flight Workshop'),
    STRIPE_PRICE_SERIAL_ENTREPRENEUR: priceId('STRIPE_PRICE_SERIAL_ENTREPRENEUR', 'Serial Entrepreneur Pack'),
    CLERK_SECRET_KEY: required('CLERK_SECRET_KEY', 'Clerk Dashboard → API keys → Secret key (sk_…)'),
    // Required: the billing API routes verify sessions themselves, networkless, with this key (no JWKS fetch at the edge).
    CLERK_JWT_KEY: required(
      'CLERK_JWT_KEY',
      'Clerk Dashboard → API keys → JWT public key → PEM',
      z.startsWith('-----BEGIN PUBLIC KEY-----', 'CLERK_JWT_KEY must be a PEM public key (Clerk Dashboard → API keys → JWT public key → PEM)'),
    ),
    CLERK_API_URL: optionalUrl('CLERK_API_URL'),
    CLERK_LOCAL_PROXY_URL: optionalUrl('CLERK_LOCAL_PROXY_URL'),
    STRIPE_CHECKOUT_ALLOW_PROMOTION_CODES: flag('STRIPE_CHECKOUT_ALLOW_PROMOTION_CODES'),
    STRIPE_CHECKOUT_AUTOMATIC_TAX: flag('STRIPE_CHECKOUT_AUTOMATIC_TAX'),
    STRIPE_CHECKOUT_INVOICE_CREATION: flag('STRIPE_CHECKOUT_INVOICE_CREATION'),
    STRIPE_CHECKOUT_LOCALE: z.optional(
      z.enum(CHECKOUT_LOCALES, { error: `STRIPE_CHECKOUT_LOCALE must be one of Stripe's Checkout locales: ${CHECKOUT_LOCALES.join(', ')}` }),
    ),
    BILLING_UPSTREAM_TIMEOUT_MS: wholeNumber('BILLING_UPSTREAM_TIMEOUT_MS', 1, 60_000, 5_000),
    CRON_SECRET: z.optional(z.string().check(z.minLength(16, 'CRON_SECRET must be at least 16 characters (e.g. `openssl rand -hex 32`)'))),
    // Local benchmarking only: serves /api/bench/* (a no-op route and the plan's baseline checkout); 404 otherwise.
    BILLING_BENCH_ROUTES: z.optional(z.enum(['0', '1'])),
    CREDIT_HOLD_TTL_SECONDS: wholeNumber('CREDIT_HOLD_TTL_SECONDS', 1, 7 * 24 * 3600, 900),
    CREDITS_SERVICE_SECRET: z.optional(z.string().check(z.minLength(32, 'CREDITS_SERVICE_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)'))),
  },
  client: {
    NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: required(
      'NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY',
      'Clerk Dashboard → API keys → Publishable key (pk_…)',
      z.refine((v) => /^pk_(test|live)_/.test(v), 'NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY must start with pk_test_ or pk_live_'),
    ),
    NEXT_PUBLIC_SIGN_IN_URL: optionalUrl('NEXT_PUBLIC_SIGN_IN_URL'),
    NEXT_PUBLIC_APP_URL: z.url({ error: 'NEXT_PUBLIC_APP_URL must be the app’s canonical origin, e.g. https://workshoppilot.ai' }),
  },
  runtimeEnv: {
    DATABASE_URL: process.env.DATABASE_URL,
    NEON_FETCH_ENDPOINT: process.env.NEON_FETCH_ENDPOINT,
    STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY,
    STRIPE_API_BASE: process.env.STRIPE_API_BASE,
    STRIPE_WEBHOOK_SECRET: process.env.STRIPE_WEBHOOK_SECRET,
    STRIPE_PRICE_SINGLE_FLIGHT: process.env.STRIPE_PRICE_SINGLE_FLIGHT,
    STRIPE_PRICE_SERIAL_ENTREPRENEUR: process.env.STRIPE_PRICE_SERIAL_ENTREPRENEUR,
    CLERK_SECRET_KEY: process.env.CLERK_SECRET_KEY,
    CLERK_JWT_KEY: process.env.CLERK_JWT_KEY,
    CLERK_API_URL: process.env.CLERK_API_URL,
    CLERK_LOCAL_PROXY_URL: process.env.CLERK_LOCAL_PROXY_URL,
    STRIPE_CHECKOUT_ALLOW_PROMOTION_CODES: process.env.STRIPE_CHECKOUT_ALLOW_PROMOTION_CODES,
    STRIPE_CHECKOUT_AUTOMATIC_TAX: process.env.STRIPE_CHECKOUT_AUTOMATIC_TAX,
    STRIPE_CHECKOUT_INVOICE_CREATION: process.env.STRIPE_CHECKOUT_INVOICE_CREATION,
    STRIPE_CHECKOUT_LOCALE: process.env.STRIPE_CHECKOUT_LOCALE,
    BILLING_UPSTREAM_TIMEOUT_MS: process.env.BILLING_UPSTREAM_TIMEOUT_MS,
    CRON_SECRET: process.env.CRON_SECRET,
    BILLING_BENCH_ROUTES: process.env.BILLING_BENCH_ROUTES,
    CREDIT_HOLD_TTL_SECONDS: process.env.CREDIT_HOLD_TTL_SECONDS,
    CREDITS_SERVICE_SECRET: process.env.CREDITS_SERVICE_SECRET,
    NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY,
    NEXT_PUBLIC_SIGN_IN_URL: process.env.NEXT_PUBLIC_SIGN_IN_URL,
    NEXT_PUBLIC_APP_URL: process.env.NEXT_PUBLIC_APP_URL,
  },
  emptyStringAsUndefined: true,
  // Report every problem at once, with the variable's name, and never the value (it may be a secret).
  onValidationError: (issues) =>
    fail([...issues.map((issue) => issue.message), ...localOnlyProblems({ CLERK_LOCAL_PROXY_URL: process.env.CLERK_LOCAL_PROXY_URL, NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY, BILLING_BENCH_ROUTES: process.env.BILLING_BENCH_ROUTES })]),
});

const localProblems = localOnlyProblems(env);
if (localProblems.length > 0) fail(localProblems);

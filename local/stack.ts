// startLocalStack: the three stand-ins (Neon endpoint on PGlite or a real Postgres server, Stripe emulator, Clerk
// stand-in) wired together, migrated, seeded, with the environment the app needs to use them. Used by tests, benchmarks
// and `npm run local`. The tests run the endpoint on a throwaway Postgres cluster (`postgresCluster: true`) so that
// statements race as they do on Neon; PGlite runs one statement at a time.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import { migrate } from 'drizzle-orm/neon-http/migrator';
import { createEphemeralKeyPair, loadOrCreateKeyPair, localPublishableKey, mintSessionToken, startClerkStandIn, type ClerkStandIn, type DemoUser, type LocalKeyPair, type MintOptions } from './auth';
import { persistState, readState } from './persisted-state';
import { HANDLED_EVENT_TYPES } from '../src/lib/fulfilment/handle-stripe-event';
import { startNeonEndpoint, type NeonEndpoint } from './neon-endpoint';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster';
import { startStripeEmulator, type StripeEmulator } from './stripe-emulator';

export const LOCAL_PRICES = {
  // The catalogue's lookup keys, so `stripe:setup --dry-run` and the doctor find these prices as they would at Stripe.
  singleFlight: { id: 'price_local_single_flight', productId: 'prod_local_single_flight', productName: 'Single Flight Workshop', unitAmount: 7900, currency: 'usd', lookupKey: 'workshop_credits_single_flight' },
  serialEntrepreneur: { id: 'price_local_serial_entrepreneur', productId: 'prod_local_serial_entrepreneur', productName: 'Serial Entrepreneur Pack', unitAmount: 14900, currency: 'usd', lookupKey: 'workshop_credits_serial_entrepreneur' },
} as const;

export const DEMO_USERS: DemoUser[] = [
  { id: 'user_demo_ada', email: 'ada@example.com', firstName: 'Ada' },
  { id: 'user_demo_grace', email: 'grace@example.com', firstName: 'Grace' },
];

export interface LocalStackOptions {
  /** The app's origin, for success/cancel URLs and the webhook target. */
  appUrl: string;
  dbLatencyMs?: number;
  stripeLatencyMs?: number;
  /** Persist the database here (npm run local); default in memory. */
  dataDir?: string;
  /** Use a real Postgres server instead of PGlite. */
  postgresUrl?: string;
  /** Start a throwaway Postgres cluster under .local/ (removed by stop()) and use it instead of PGlite. */
  postgresCluster?: boolean;
  /** Persist the sign-in key pair here; default a fresh in-memory key. */
  keyDir?: string;
  users?: DemoUser[];
  /** Seed the demo users' rows (npm run local); tests start from an empty users table. */
  seedUsers?: boolean;
  webhookRetryDelaysMs?: number[];
  /** Lifetime of the Clerk stand-in's session tokens; default 60 s, as Clerk's. */
  sessionTtlSeconds?: number;
  /**
   * Deliver to the app through a webhook endpoint registered in the emulator (as `stripe:setup` registers one at
   * Stripe, so the doctor and `stripe:setup --dry-run` see it) instead of the test control `setWebhook`.
   */
  webhookEndpoint?: boolean;
  /** Persist the Stripe emulator's account and the Clerk stand-in's users and sessions here (STATE_FILES), beside the
   *  database, so they still match it after a restart; default in memory. */
  stateDir?: string;
}

/** The stand-ins' state files inside `stateDir`. */
export const STATE_FILES = { stripe: 'stripe-emulator.json', clerk: 'clerk-stand-in.json', secrets: 'stack-secrets.json' } as const;

export interface LocalStack {
  neon: NeonEndpoint;
  stripe: StripeEmulator;
  clerk: ClerkStandIn;
  key: LocalKeyPair;
  /** Which database the Neon endpoint serves: `pglite`, or `postgres-<major>` for a real server. */
  db: string;
  /** The real server's URL (a direct driver for tests that drive statements without the endpoint), if any. */
  postgresUrl?: string;
  /** Every variable the app reads, pointing at the stand-ins. */
  env: Record<string, string>;
  mintToken(options: MintOptions): Promise<string>;
  stop(): Promise<void>;
}

const secret = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

interface StackSecrets { stripeSecretKey: string; clerkSecretKey: string; cronSecret: string; serviceSecret: string }

// Fresh per run, or with a state dir the same as last time: the Stripe key also keys the checkout marker, so a new
// one would make every earlier Checkout Session look like someone else's to the webhook and reconciliation.
function stackSecrets(stateDir: string | undefined): StackSecrets {
  const file = stateDir && join(stateDir, STATE_FILES.secrets);
  const kept = file ? readState<StackSecrets>(file) : undefined;
  if (kept) return kept;
  const fresh = {
    stripeSecretKey: secret('sk_test_local_'),
    clerkSecretKey: secret('sk_test_clerk_'),
    cronSecret: secret('cron_local_'),
    serviceSecret: secret('svc_local_') + randomBytes(12).toString('hex'),
  };
  if (file) persistState(file, () => fresh).stop();
  return fresh;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const appUrl = new URL(options.appUrl).origin;
  const { stripeSecretKey, clerkSecretKey, cronSecret, serviceSecret } = stackSecrets(options.stateDir);
  let webhookSecret = secret('whsec_local_');
  const key = options.keyDir ? await loadOrCreateKeyPair(options.keyDir) : await createEphemeralKeyPair();
  const users = options.users ?? DEMO_USERS;

  const cluster: PostgresCluster | undefined = options.postgresCluster ? await startPostgresCluster() : undefined;
  const postgresUrl = cluster?.url ?? options.postgresUrl;
  const started = await Promise.allSettled([
    startNeonEndpoint({
      backend: postgresUrl ? { kind: 'postgres', url: postgresUrl } : { kind: 'pglite', dataDir: options.dataDir },
      latencyMs: options.dbLatencyMs,
    }),
    startStripeEmulator({
      secretKey: stripeSecretKey,
      prices: Object.values(LOCAL_PRICES),
      webhook: options.webhookEndpoint ? undefined : { url: `${appUrl}/api/billing/webhook`, secret: webhookSecret },
      latencyMs: options.stripeLatencyMs,
      webhookRetryDelaysMs: options.webhookRetryDelaysMs,
      stateFile: options.stateDir && join(options.stateDir, STATE_FILES.stripe),
    }),
    startClerkStandIn({ key, secretKey: clerkSecretKey, users, sessionTtlSeconds: options.sessionTtlSeconds, stateFile: options.stateDir && join(options.stateDir, STATE_FILES.clerk) }),
  ] as const);
  if (started.some((s) => s.status === 'rejected')) {
    await Promise.allSettled(started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.stop()] : [])));
    await cluster?.stop();
    throw (started.find((s) => s.status === 'rejected') as PromiseRejectedResult).reason;
  }
  const [neonEndpoint, stripe, clerk] = started.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [NeonEndpoint, StripeEmulator, ClerkStandIn];

  if (options.webhookEndpoint) webhookSecret = stripe.ensureWebhookEndpoint(`${appUrl}/api/billing/webhook`, [...HANDLED_EVENT_TYPES]).secret;

  // Migrations go through the endpoint with the real driver, as `npm run db:migrate` does against Neon.
  neonConfig.fetchEndpoint = neonEndpoint.url;
  await migrate(drizzle(neon(neonEndpoint.connectionString)), { migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)) });
  if (options.seedUsers) {
    for (const user of users) {
      await neonEndpoint.query(
        `insert into users (id, clerk_user_id, email) values ($1, $2, $3) on conflict (clerk_user_id) do nothing`,
        [`usr_${user.id.replace(/^user_/, '')}`, user.id, user.email],
      );
    }
  }

  const env: Record<string, string> = {
    DATABASE_URL: neonEndpoint.connectionString,
    NEON_FETCH_ENDPOINT: neonEndpoint.url,
    STRIPE_SECRET_KEY: stripeSecretKey,
    STRIPE_API_BASE: stripe.url,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_PRICE_SINGLE_FLIGHT: LOCAL_PRICES.singleFlight.id,
    STRIPE_PRICE_SERIAL_ENTREPRENEUR: LOCAL_PRICES.serialEntrepreneur.id,
    NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: localPublishableKey(),
    CLERK_SECRET_KEY: clerkSecretKey,
    CLERK_JWT_KEY: key.publicKeyPem,
    CLERK_API_URL: clerk.apiUrl,
    CLERK_LOCAL_PROXY_URL: clerk.frontendApiUrl,
    NEXT_PUBLIC_SIGN_IN_URL: clerk.signInUrl,
    NEXT_PUBLIC_APP_URL: appUrl,
    CRON_SECRET: cronSecret,
    CREDITS_SERVICE_SECRET: serviceSecret,
  };

  return {
    neon: neonEndpoint,
    stripe,
    clerk,
    key,
    db: cluster ? `postgres-${cluster.major}` : postgresUrl ? 'postgres' : 'pglite',
    postgresUrl,
    env,
    // Tokens for this app, as Clerk mints them for a page of its origin (the app refuses any other `azp`).
    mintToken: (mint) => mintSessionToken(key, { ...mint, claims: { azp: appUrl, ...mint.claims } }),
    async stop() {
      await Promise.allSettled([neonEndpoint.stop(), stripe.stop(), clerk.stop()]);
      await cluster?.stop();
    },
  };
}

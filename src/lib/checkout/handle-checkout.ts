// POST /api/billing/checkout's core: Web Request in, Response out, no Next.js, so it runs at the edge, in Node and in
// workerd. Checks run cheapest-first and all of them before any upstream call that costs money or a round trip.
import type Stripe from 'stripe';
import { clearStaleStripeCustomerId, saveStripeCustomerId } from '@/db/checkout';
import { BillingError, callStripe, callUpstream, describeError, finishRequest, isBrowserNavigation, isStaleCustomer, type Logger, RequestContext, toNavigationResponse } from '@/lib/http';
import type { CheckoutOptions } from './checkout-options-from-config';
import type { BuyerIdentity, ClerkUsers } from '@/lib/identity';
import { createCheckoutSession } from './create-checkout-session';
import { ensureStripeCustomer, type CustomerDeps, type EnsuredCustomer } from './ensure-stripe-customer';
import { parseCheckoutRequest } from './parse-checkout-request';
import { getPriceConfig, type PriceConfig } from './price-config';

export interface CheckoutDeps extends CustomerDeps {
  /** Verifies the caller (Clerk's `auth()` in Next, `verifyToken` elsewhere); null when signed out. */
  authenticate(request: Request): Promise<BuyerIdentity | null>;
  clerk: ClerkUsers;
  prices: readonly PriceConfig[];
  /** Keys the marker that tells our Checkout Sessions from anyone else's (checkout-marker.ts). */
  markerKey: string;
  /** The app's canonical origin: success/cancel URLs and the allowed Origin come from it, never from the request. */
  appUrl: string;
  /** Optional Checkout features from configuration; absent = all off. */
  checkoutOptions?: CheckoutOptions;
  /** Runs work after the response is sent (Next's `after`, workerd's `ctx.waitUntil`). */
  waitUntil(work: Promise<unknown>): void;
  log: Logger;
}

function assertSameOrigin(request: Request, appUrl: string): void {
  const origin = request.headers.get('origin');
  // Browsers send Origin on every cross-site POST (and `null` from sandboxed or privacy-stripped contexts); a missing
  // header means a non-browser client, which still has to authenticate.
  if (origin !== null && origin !== new URL(appUrl).origin) {
    throw new BillingError('forbidden_origin', 'Checkout can only be started from this site.');
  }
}

// How long Stripe calls may keep retrying 429s; the answer then is 503 with Retry-After rather than a hung page.
const STRIPE_BUDGET_MS = 4_000;
const MAX_STALE_REPAIRS = 3;
const PERSIST_RETRY_DELAYS_MS = [250, 1_000, 3_000, 10_000];

/** Retries saving a new customer id after the response until it holds, so the 24 h key expiry finds it in the row. */
async function retryPersist(deps: CheckoutDeps, customer: EnsuredCustomer, requestId: string): Promise<void> {
  for (const delay of PERSIST_RETRY_DELAYS_MS) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      await saveStripeCustomerId(deps.db, customer.appUserId, customer.customerId, customer.rowEmail);
      return;
    } catch {
      // try again after the next delay
    }
  }
  deps.log({ route: 'checkout', requestId, status: 0, outcome: 'customer_persist_failed', timings: {} });
}

const wantsJson = (request: Request) => (request.headers.get('accept') ?? '').includes('application/json');

/** The price a signed-out form post chose, only if it is one of ours: it is carried to the page the buyer lands on. */
async function chosenPrice(request: Request, prices: readonly PriceConfig[]): Promise<string | null> {
  const priceId = await parseCheckoutRequest(request).catch(() => null);
  return getPriceConfig(priceId, prices)?.priceId ?? null;
}

export async function handleCheckout(request: Request, deps: CheckoutDeps): Promise<Response> {
  const ctx = new RequestContext(request);
  const navigation = isBrowserNavigation(request);
  const facts: Record<string, unknown> = navigation ? { navigation } : {};
  let response: Response;
  let signInPrice: string | null = null;
  try {
    if (request.method !== 'POST') throw new BillingError('method_not_allowed', 'Use POST to start a checkout.');
    assertSameOrigin(request, deps.appUrl);
    const identity = await ctx.time('auth', () => callUpstream('auth', () => deps.authenticate(request)));
    if (!identity) {
      if (navigation) signInPrice = await chosenPrice(request, deps.prices);
      throw new BillingError('unauthenticated', 'Sign in to buy credits.');
    }
    facts.user = identity.clerkUserId;

    const price = getPriceConfig(await parseCheckoutRequest(request), deps.prices);
    if (!price) throw new BillingError('invalid_price', 'priceId must be one of the prices on the pricing page.');
    facts.priceId = price.priceId;

    const deadline = Date.now() + STRIPE_BUDGET_MS;
    let customer = await ensureStripeCustomer(identity, deps, ctx, { deadline });
    const createSession = () =>
      ctx.time('stripe', () =>
        callStripe(
          () =>
            createCheckoutSession(deps.stripe, deps.markerKey, {
              price,
              customerId: customer.customerId,
              appUserId: customer.appUserId,
              clerkUserId: identity.clerkUserId,
              appUrl: deps.appUrl,
              options: deps.checkoutOptions,
            }),
          { deadline },
        ),
      );
    // Deleted in the Dashboard, a test-mode id under live keys, a restored database: replaced in this request. A key
    // generation may replay an older deleted customer, so each round remembers every stale id seen.
    const stale = new Set<string>();
    let session: Stripe.Checkout.Session | null = null;
    while (session === null) {
      try {
        session = await createSession();
      } catch (err) {
        if (!(err instanceof BillingError && isStaleCustomer(err.cause)) || stale.size >= MAX_STALE_REPAIRS) throw err;
        stale.add(customer.customerId);
        await customer.persisted;
        const gone = customer.customerId;
        await ctx.time('db', () => callUpstream('db', () => clearStaleStripeCustomerId(deps.db, customer.appUserId, gone)));
        customer = await ensureStripeCustomer(identity, deps, ctx, { deadline, stale });
      }
    }
    if (stale.size > 0) facts.staleCustomers = stale.size;
    facts.customerSource = customer.source;
    const persisted = await customer.persisted;
    facts.persist = persisted;
    if (persisted === 'failed') deps.waitUntil(retryPersist(deps, customer, ctx.requestId));
    if (customer.source === 'created' || customer.source === 'found' || stale.size > 0) {
      // Off the critical path: puts the ids into the token's claims so this buyer's next checkout skips the database
      // (and replaces a stale id there).
      deps.waitUntil(
        deps.clerk
          .saveBillingMetadata(identity.clerkUserId, { stripeCustomerId: customer.customerId, appUserId: customer.appUserId })
          .catch((err: unknown) => deps.log({ route: 'checkout', requestId: ctx.requestId, status: 0, outcome: 'clerk_metadata_failed', timings: {}, cause: describeError(err) })),
      );
    }
    if (!session.url) throw new BillingError('stripe_unavailable', 'The payment provider returned no checkout page.');
    facts.session = session.id;
    response = wantsJson(request)
      ? Response.json({ url: session.url })
      : new Response(null, { status: 303, headers: { Location: session.url } });
  } catch (error) {
    const toResponse = navigation ? (e: BillingError) => toNavigationResponse(e, deps.appUrl, signInPrice) : undefined;
    return finishRequest(ctx, deps.log, { route: 'checkout', facts, outcome: 'ok' }, { error }, toResponse);
  }
  return finishRequest(ctx, deps.log, { route: 'checkout', facts, outcome: 'ok' }, { response });
}

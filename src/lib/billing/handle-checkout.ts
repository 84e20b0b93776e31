// POST /api/billing/checkout's core: Web Request in, Response out, no Next.js, so it runs at the edge, in Node and in
// workerd. Checks run cheapest-first and all of them before any upstream call that costs money or a round trip.
import type { ClerkUsers } from './clerk-users';
import { createCheckoutSession } from './create-checkout-session';
import { ensureStripeCustomer, type CustomerDeps } from './ensure-stripe-customer';
import { BillingError, callUpstream } from './errors';
import { finishRequest } from './finish-request';
import type { BuyerIdentity } from './identity';
import { parseCheckoutRequest } from './parse-checkout-request';
import { getPriceConfig, type PriceConfig } from './price-config';
import { RequestContext, type Logger } from './request-context';
import { describeError } from './describe-error';

export interface CheckoutDeps extends CustomerDeps {
  /** Verifies the caller (Clerk's `auth()` in Next, `verifyToken` elsewhere); null when signed out. */
  authenticate(request: Request): Promise<BuyerIdentity | null>;
  clerk: ClerkUsers;
  prices: readonly PriceConfig[];
  /** The app's canonical origin: success/cancel URLs and the allowed Origin come from it, never from the request. */
  appUrl: string;
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

const wantsJson = (request: Request) => (request.headers.get('accept') ?? '').includes('application/json');

export async function handleCheckout(request: Request, deps: CheckoutDeps): Promise<Response> {
  const ctx = new RequestContext(request);
  const facts: Record<string, unknown> = {};
  let response: Response;
  try {
    if (request.method !== 'POST') throw new BillingError('method_not_allowed', 'Use POST to start a checkout.');
    assertSameOrigin(request, deps.appUrl);
    const identity = await ctx.time('auth', () => callUpstream('auth', () => deps.authenticate(request)));
    if (!identity) throw new BillingError('unauthenticated', 'Sign in to buy credits.');
    facts.user = identity.clerkUserId;

    const price = getPriceConfig(await parseCheckoutRequest(request), deps.prices);
    if (!price) throw new BillingError('invalid_price', 'priceId must be one of the prices on the pricing page.');
    facts.priceId = price.priceId;

    const customer = await ensureStripeCustomer(identity, deps, ctx);
    facts.customerSource = customer.source;
    const [session, persisted] = await Promise.all([
      ctx.time('stripe', () =>
        callUpstream('stripe', () =>
          createCheckoutSession(deps.stripe, {
            price,
            customerId: customer.customerId,
            appUserId: customer.appUserId,
            clerkUserId: identity.clerkUserId,
            appUrl: deps.appUrl,
          }),
        ),
      ),
      customer.persisted,
    ]);
    facts.persist = persisted;
    if (customer.source === 'created') {
      // Off the critical path: puts the ids into the token's claims so this buyer's next checkout skips the database.
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
    return finishRequest(ctx, deps.log, { route: 'checkout', facts, outcome: 'ok' }, { error });
  }
  return finishRequest(ctx, deps.log, { route: 'checkout', facts, outcome: 'ok' }, { response });
}

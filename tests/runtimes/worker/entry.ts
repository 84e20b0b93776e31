// A workerd (Cloudflare Workers) entry for the same cores the Next routes use: @clerk/backend token verification,
// the stripe fetch client and Neon over HTTP. Proves the core holds no Node or Next.js dependency.
import { createDb } from '@/db/client';
import { createClerkUsers } from '@/lib/billing/clerk-users';
import { handleCheckout } from '@/lib/billing/handle-checkout';
import { handleStripeWebhook } from '@/lib/billing/handle-stripe-webhook';
import { buildPriceCatalog } from '@/lib/billing/price-config';
import { jsonLogger } from '@/lib/billing/request-context';
import { createStripeClient } from '@/lib/billing/stripe';
import { authenticateWithJwtKey } from '@/lib/billing/verify-session-token';

type Env = Record<string, string>;
interface ExecutionContext { waitUntil(work: Promise<unknown>): void }

function services(env: Env) {
  return {
    db: createDb({ databaseUrl: env.DATABASE_URL!, fetchEndpoint: env.NEON_FETCH_ENDPOINT }),
    stripe: createStripeClient({ secretKey: env.STRIPE_SECRET_KEY!, apiBase: env.STRIPE_API_BASE }),
    clerk: createClerkUsers({ secretKey: env.CLERK_SECRET_KEY!, apiUrl: env.CLERK_API_URL }),
    prices: buildPriceCatalog({ singleFlight: env.STRIPE_PRICE_SINGLE_FLIGHT!, serialEntrepreneur: env.STRIPE_PRICE_SERIAL_ENTREPRENEUR! }),
    appUrl: env.NEXT_PUBLIC_APP_URL!,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET!,
    log: jsonLogger,
  };
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === '/api/billing/checkout') {
      return handleCheckout(request, { ...services(env), authenticate: authenticateWithJwtKey(env.CLERK_JWT_KEY!), waitUntil: (w) => ctx.waitUntil(w) });
    }
    if (path === '/api/billing/webhook') return handleStripeWebhook(request, services(env));
    return new Response('not found', { status: 404 });
  },
};

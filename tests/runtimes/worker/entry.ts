// A workerd (Cloudflare Workers) entry for the same cores the Next routes use: @clerk/backend token verification,
// the stripe fetch client and Neon over HTTP. Proves the core holds no Node or Next.js dependency.
import { createBillingServices } from '@/lib/services/create-billing-services';
import { handleCheckout } from '@/lib/checkout/handle-checkout';
import { handleCreditsRequest } from '@/lib/credits/handle-credits-request';
import { serveOpenApiDocument } from '@/lib/credits/serve-openapi-document';
import { handleStripeWebhook } from '@/lib/fulfilment/handle-stripe-webhook';
import { jsonLogger } from '@/lib/http/request-context';

type Env = Record<string, string>;
interface ExecutionContext { waitUntil(work: Promise<unknown>): void }

const services = (env: Env) => ({ ...createBillingServices(env), log: jsonLogger });

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === '/api/billing/checkout') {
      return handleCheckout(request, { ...services(env), waitUntil: (w) => ctx.waitUntil(w) });
    }
    if (path === '/api/billing/webhook') return handleStripeWebhook(request, services(env));
    if (path === '/api/credits/openapi.json') return Promise.resolve(serveOpenApiDocument(request));
    if (path.startsWith('/api/credits/')) return handleCreditsRequest(request, services(env));
    return new Response('not found', { status: 404 });
  },
};

// One table of checkout and webhook cases, run unchanged in every runtime the code claims (edge-runtime VM, Node,
// workerd, next start). Each runtime supplies only `send`: how a Web Request reaches its entry point.
import { beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { handleCheckout } from '@/lib/checkout/handle-checkout';
import { handleCreditsRequest } from '@/lib/credits/handle-credits-request';
import { handleStripeWebhook } from '@/lib/fulfilment/handle-stripe-webhook';
import { serveOpenApiDocument } from '@/lib/credits/serve-openapi-document';
import openApiDocument from '@/lib/credits/openapi.json';
import { creditsRequest, giveCredits } from './credits';
import { checkedCall } from './openapi';
import { newClerkUserId, servicesFromStack, stack } from './stack';

export interface RuntimeTarget {
  /** Delivers a request for `${appUrl}/api/billing/…` to the runtime and returns its response. */
  send(request: Request): Promise<Response>;
}

export function describeBillingContract(runtime: string, setup: () => Promise<RuntimeTarget>) {
  describe(`billing contract in ${runtime}`, () => {
    let target: RuntimeTarget;
    let env: Record<string, string>;
    beforeAll(async () => {
      [target, env] = await Promise.all([setup(), stack.env()]);
    });

    const checkout = (init: { token?: string; body?: string; contentType?: string; origin?: string; accept?: string } = {}) => {
      const appUrl = env.NEXT_PUBLIC_APP_URL!;
      const headers = new Headers({ 'content-type': init.contentType ?? 'application/json', origin: init.origin ?? appUrl });
      if (init.token) headers.set('authorization', `Bearer ${init.token}`);
      if (init.accept) headers.set('accept', init.accept);
      return target.send(new Request(`${appUrl}/api/billing/checkout`, { method: 'POST', headers, body: init.body ?? '', redirect: 'manual' }));
    };
    const buyer = async (label: string) => {
      const userId = newClerkUserId(label);
      return { userId, token: await stack.mintToken({ userId, email: `${userId}@example.com` }) };
    };

    it('303 to the hosted page for a known price', async () => {
      const { token } = await buyer('rt');
      const response = await checkout({ token, body: JSON.stringify({ priceId: env.STRIPE_PRICE_SINGLE_FLIGHT }) });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toMatch(new RegExp(`^${env.STRIPE_API_BASE}/c/pay/cs_test_`));
      expect(response.headers.get('cache-control')).toContain('no-store');
    });

    it('200 {url} for a JSON caller, from a form body', async () => {
      const { token } = await buyer('rt');
      const response = await checkout({ token, body: `priceId=${env.STRIPE_PRICE_SERIAL_ENTREPRENEUR}`, contentType: 'application/x-www-form-urlencoded', accept: 'application/json' });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { url: string }).url).toContain('/c/pay/cs_test_');
    });

    it.each([
      ['signed out', 401, 'unauthenticated', {}],
      ['an unknown price', 400, 'invalid_price', { body: '{"priceId":"price_nope"}' }],
      ['a non-JSON content type', 415, 'unsupported_media_type', { contentType: 'text/plain', body: 'x' }],
      ['a cross-site origin', 403, 'forbidden_origin', { origin: 'https://evil.example' }],
    ] as const)('%s → %i %s', async (_name, status, code, init) => {
      const { token } = await buyer('rt');
      const response = await checkout({ ...init, token: status === 401 ? undefined : token });
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ error: { code } });
    });

    it('401 for a token minted for another origin of the same Clerk instance (azp)', async () => {
      const userId = newClerkUserId('rtazp');
      const token = await stack.mintToken({ userId, email: `${userId}@example.com`, claims: { azp: 'https://other.example' } });
      const response = await checkout({ token, body: JSON.stringify({ priceId: env.STRIPE_PRICE_SINGLE_FLIGHT }) });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    });

    it('webhook: a paid session credits once, a bad signature is refused', async () => {
      const { userId, token } = await buyer('rtwh');
      const created = await checkout({ token, body: JSON.stringify({ priceId: env.STRIPE_PRICE_SINGLE_FLIGHT }) });
      const sessionId = created.headers.get('location')!.split('/').pop()!;
      await stack.stripe('completeSession', sessionId);
      const payload = JSON.stringify({ id: `evt_rt_${sessionId}`, object: 'event', type: 'checkout.session.completed', data: { object: { id: sessionId } } });
      const signer = new Stripe('sk_test_unused', { httpClient: Stripe.createFetchHttpClient() });
      const deliver = async (secret: string) =>
        target.send(new Request(`${env.NEXT_PUBLIC_APP_URL}/api/billing/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': await signer.webhooks.generateTestHeaderStringAsync({ payload, secret }) },
          body: payload,
        }));
      expect((await deliver('whsec_wrong')).status).toBe(400);
      const responses = [await deliver(env.STRIPE_WEBHOOK_SECRET!), await deliver(env.STRIPE_WEBHOOK_SECRET!)];
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
      const [row] = await stack.neon<{ credit_balance: number }[]>('query', 'select credit_balance from users where clerk_user_id = $1', [userId]);
      expect(row?.credit_balance).toBe(1);
    });

    it('credits: 12 concurrent spends of 1 against 5 let exactly 5 through; a replay answers the same; a hold confirms', async () => {
      const { userId, token } = await buyer('rtcr');
      await stack.neon('query', 'insert into users (id, clerk_user_id, email) values ($1, $2, $3)', [`usr_${userId}`, userId, `${userId}@example.com`]);
      const { db } = await servicesFromStack();
      await giveCredits(db, `usr_${userId}`, 6, `rt:${userId}`);
      const call = (path: string, key: string | null, body: unknown = {}) => checkedCall(creditsRequest(env.NEXT_PUBLIC_APP_URL!, path, { token, key, body }), (r) => target.send(r));
      const held = (await (await call('holds', 'h1', { credits: 1 })).json()) as { hold: { id: string } };
      const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => call('spend', `s${i}`, { credits: 1 }).then((r) => r.status)));
      expect(statuses.filter((s) => s === 201)).toHaveLength(5);
      expect(statuses.filter((s) => s === 409)).toHaveLength(7);
      const replay = await call('spend', 's0', { credits: 1 });
      expect(replay.status).toBe(statuses[0] === 201 ? 200 : 409);
      expect((await call(`holds/${held.hold.id}/confirm`, null)).status).toBe(200);
      const [row] = await stack.neon<{ credit_balance: number }[]>('query', 'select credit_balance from users where clerk_user_id = $1', [userId]);
      expect(row?.credit_balance).toBe(0);
    });

    it('credits: GET /api/credits/openapi.json serves the OpenAPI document (a static route beside the catch-all)', async () => {
      const response = await checkedCall(new Request(`${env.NEXT_PUBLIC_APP_URL!}/api/credits/openapi.json`), (r) => target.send(r));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(openApiDocument);
    });
  });
}

/** The cores called directly, with the stack's services: the target for the edge-runtime VM and for Node. */
export async function coreTarget(): Promise<RuntimeTarget> {
  const services = await servicesFromStack();
  const log = () => {};
  return {
    send: (request) => {
      const path = new URL(request.url).pathname;
      if (path === '/api/billing/webhook') return handleStripeWebhook(request, { ...services, log });
      if (path === '/api/credits/openapi.json') return Promise.resolve(serveOpenApiDocument(request));
      if (path.startsWith('/api/credits/')) return handleCreditsRequest(request, { ...services, log });
      return handleCheckout(request, { ...services, waitUntil: () => {}, log });
    },
  };
}

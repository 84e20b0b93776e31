// The shared contract against the real app: next build + next start, proxy.ts and the edge routes, over HTTP.
import { describeBillingContract } from '../support/shared-cases';
import { stack } from '../support/stack';

describeBillingContract('next start (edge routes)', async () => {
  const appUrl = await stack.app();
  return {
    send: async (request) => {
      const url = new URL(request.url);
      return fetch(`${appUrl}${url.pathname}`, { method: request.method, headers: request.headers, body: request.method === 'GET' ? undefined : await request.text(), redirect: 'manual' });
    },
  };
});

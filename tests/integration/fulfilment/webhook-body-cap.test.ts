// The webhook's body cap holds without Content-Length: a chunked 2 MiB body is cut off at the cap, not read whole.
import { beforeAll, expect, it } from 'vitest';
import { handleStripeWebhook, MAX_WEBHOOK_BODY_BYTES } from '@/lib/fulfilment/handle-stripe-webhook';
import { ledgerHarness } from '../../support/ledger';

let t: Awaited<ReturnType<typeof ledgerHarness>>;
beforeAll(async () => {
  t = await ledgerHarness();
});

it('answers 413 to a 2 MiB chunked body after reading little more than the cap', async () => {
  const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= 2 * 1024 * 1024) return controller.close();
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  const request = new Request(`${t.h.appUrl}/api/billing/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
    body,
    duplex: 'half',
  } as RequestInit);
  expect(request.headers.get('content-length')).toBeNull();
  const response = await handleStripeWebhook(request, t.deps);
  expect(response.status).toBe(413);
  expect(await response.json()).toMatchObject({ error: { code: 'body_too_large' } });
  expect(pulled).toBeLessThanOrEqual(MAX_WEBHOOK_BODY_BYTES + 2 * chunk.byteLength);
});

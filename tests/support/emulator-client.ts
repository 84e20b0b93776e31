// For tests that start their own Stripe emulator: the real SDK pointed at it, and a webhook receiver recording
// what arrives (raw body + signature), so deliveries can be verified with stripe's own verifier.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import { sdkFor } from './stripe-sdk';

/** The SDK without its own retries, so a test sees each answer the emulator gives. */
export const stripeFor = (baseUrl: string, secretKey: string): Stripe => sdkFor(baseUrl, secretKey, { maxNetworkRetries: 0 });

export interface ReceivedRequest {
  path: string;
  body: string;
  signature: string;
}

export interface HttpReceiver {
  origin: string;
  received: ReceivedRequest[];
  /** Resolves once `n` requests have arrived. */
  count(n: number): Promise<void>;
  close(): Promise<void>;
}

/** A local HTTP server; `handle` answers each request (default: 200 `{}`) after it is recorded. */
export async function startHttpReceiver(
  handle?: (req: Request) => Promise<Response>,
): Promise<HttpReceiver> {
  const received: ReceivedRequest[] = [];
  const waiters: { n: number; wake: () => void }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      void (async () => {
        let response = new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
        if (handle) {
          const headers = new Headers();
          for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
          response = await handle(new Request(`http://receiver.test${req.url ?? '/'}`, { method: req.method, headers, body }));
        }
        res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'text/plain' });
        res.end(await response.text());
        received.push({ path: req.url ?? '/', body, signature: String(req.headers['stripe-signature'] ?? '') });
        for (const w of waiters.filter((w) => received.length >= w.n)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.wake();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    count: (n) => (received.length >= n ? Promise.resolve() : new Promise((wake) => waiters.push({ n, wake }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

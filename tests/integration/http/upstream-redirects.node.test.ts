// Upstream API calls never follow a redirect: a 3xx from "Stripe", "Clerk" or "Neon" fails the call, and the address
// it points at receives nothing, so a request carrying a secret key is never replayed elsewhere.
import { createServer, type Server } from 'node:http';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@/db/client';
import { createStripeClient } from '@/lib/http';
import { createClerkUsers } from '@/lib/identity';

const listen = (server: Server) =>
  new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));

let elsewhere: Server;
let redirecting: Server;
let elsewhereUrl: string;
let redirectingUrl: string;
const reachedElsewhere: string[] = [];
let redirected = 0;

beforeAll(async () => {
  elsewhere = createServer((req, res) => {
    reachedElsewhere.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  elsewhereUrl = await listen(elsewhere);
  redirecting = createServer((req, res) => {
    redirected++;
    req.resume();
    res.writeHead(307, { location: `${elsewhereUrl}${req.url}` }).end();
  });
  redirectingUrl = await listen(redirecting);
});

afterAll(async () => {
  await Promise.all([elsewhere, redirecting].map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('an upstream answering with a redirect', () => {
  it('Stripe: the call fails and nothing reaches the other address', async () => {
    const stripe = createStripeClient({ secretKey: 'sk_test_redirect', apiBase: redirectingUrl, maxNetworkRetries: 0 });
    const before = redirected;
    await expect(stripe.customers.create({ email: 'a@example.com' })).rejects.toThrow();
    expect(redirected - before).toBe(1);
    expect(reachedElsewhere).toEqual([]);
  });

  it('Clerk: the call fails and nothing reaches the other address', async () => {
    const clerk = createClerkUsers({ secretKey: 'sk_test_redirect', apiUrl: redirectingUrl });
    const before = redirected;
    await expect(clerk.revokeSession('sess_1')).rejects.toThrow();
    expect(redirected - before).toBe(1);
    expect(reachedElsewhere).toEqual([]);
  });

  it('Neon: the query fails and nothing reaches the other address', async () => {
    const db = createDb({ databaseUrl: 'postgresql://neon:npg@localhost:5432/neondb', fetchEndpoint: `${redirectingUrl}/sql`, timeoutMs: 2_000 });
    const before = redirected;
    await expect(db.execute(sql`select 1`)).rejects.toThrow();
    expect(redirected - before).toBe(1);
    expect(reachedElsewhere).toEqual([]);
  });
});

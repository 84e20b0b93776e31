// The upstream calls each buyer state costs, read from the stand-ins' request logs (deterministic; no timing). A
// private stack keeps other test files' requests out of the logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@local/stack';
import { createBillingServices } from '@/lib/services/create-billing-services';
import { handleCheckout, type CheckoutDeps } from '@/lib/checkout/handle-checkout';

let stack: LocalStack;
let deps: CheckoutDeps;
const background: Promise<unknown>[] = [];

beforeAll(async () => {
  stack = await startLocalStack({ appUrl: 'http://localhost:9' });
  const env = stack.env;
  deps = {
    ...createBillingServices(env),
    waitUntil: (work) => void background.push(work),
    log: () => {},
  };
});
afterAll(async () => stack?.stop());

/** Every upstream request, in arrival order, as `service verb target`. */
function upstreamCalls(): string[] {
  const calls = [
    ...stack.neon.log.map((r) => ({ at: r.at, name: `db ${r.queries.map((q) => q.query.split(/\s+/, 1)[0]!.toLowerCase()).join('+')} ${/"users"|users/.test(r.queries[0]?.query ?? '') ? 'users' : 'other'}` })),
    ...stack.stripe.log.map((r) => ({ at: r.at, name: `stripe ${r.method} ${r.path}` })),
    ...stack.clerk.log.map((r) => ({ at: r.at, name: `clerk ${r.method} ${r.path.replace(/user_[\w]+/, ':id')}` })),
  ];
  return calls.sort((a, b) => a.at - b.at).map((c) => c.name);
}

async function checkoutAs(userId: string, claims: Record<string, unknown> = {}) {
  const token = await stack.mintToken({ userId, email: `${userId}@example.com`, claims });
  stack.neon.clearLog();
  stack.stripe.clearLog();
  stack.clerk.clearLog();
  const response = await handleCheckout(
    new Request(`${deps.appUrl}/api/billing/checkout`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ priceId: stack.env.STRIPE_PRICE_SINGLE_FLIGHT }) }),
    deps,
  );
  expect(response.status).toBe(303);
  await Promise.allSettled(background.splice(0));
  return upstreamCalls();
}

describe('upstream round trips per checkout', () => {
  it('first-time buyer with a user row: find-and-mark, customer create, then session create beside the persist; Clerk metadata after', async () => {
    await stack.neon.query(`insert into users (id, clerk_user_id, email) values ('usr_rt_first', 'user_rt_first', 'f@example.com')`);
    stack.clerk.addUser({ id: 'user_rt_first', email: 'f@example.com' });
    const calls = await checkoutAs('user_rt_first');
    // Three sequential round trips: no customer search, since no earlier checkout marked the row.
    expect(calls.slice(0, 2)).toEqual(['db with users', 'stripe POST /v1/customers']);
    // The persist and the session create are started together; their arrival order is theirs to choose.
    expect(calls.slice(2, 4).sort()).toEqual(['db update users', 'stripe POST /v1/checkout/sessions']);
    expect(calls.slice(4)).toEqual(['clerk PATCH /v1/users/:id/metadata']);
  });

  it('returning buyer without the claim: one database statement, one Stripe call', async () => {
    expect(await checkoutAs('user_rt_first')).toEqual(['db with users', 'stripe POST /v1/checkout/sessions']);
  });

  it('returning buyer with the claim: the session create is the only upstream call', async () => {
    const [row] = await stack.neon.query(`select id, stripe_customer_id from users where clerk_user_id = 'user_rt_first'`);
    expect(await checkoutAs('user_rt_first', { stripe_customer_id: row!.stripe_customer_id, app_user_id: row!.id })).toEqual(['stripe POST /v1/checkout/sessions']);
  });

  it('buyer with no user row yet: the same three (the statement creates the row), then session beside the persist', async () => {
    stack.clerk.addUser({ id: 'user_rt_new', email: 'n@example.com' });
    const calls = await checkoutAs('user_rt_new');
    expect(calls.slice(0, 2)).toEqual(['db with users', 'stripe POST /v1/customers']);
    expect(calls.slice(2, 4).sort()).toEqual(['db update users', 'stripe POST /v1/checkout/sessions']);
    expect(calls.slice(4)).toEqual(['clerk PATCH /v1/users/:id/metadata']);
  });

  it('a buyer whose earlier checkout marked the row but never saved a customer: the search runs before the create', async () => {
    await stack.neon.query(`update users set stripe_customer_id = null where clerk_user_id = 'user_rt_new'`);
    const calls = await checkoutAs('user_rt_new');
    // The key replays the earlier customer (search lags 60 s here): one customer either way.
    expect(calls.slice(0, 3)).toEqual(['db with users', 'stripe GET /v1/customers/search', 'stripe POST /v1/customers']);
    expect(stack.stripe.customers().filter((c) => c.metadata.clerkUserId === 'user_rt_new')).toHaveLength(1);
  });
});

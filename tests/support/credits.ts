// Drives the credits core the way the route does (real drizzle + Neon driver, real Clerk token verification) with a
// clock the test moves, and makes buyers with a balance through a ledger adjustment.
import { beforeAll } from 'vitest';
import { adjustBalance } from '@/db/operator';
import type { Db } from '@/db/client';
import { handleCreditsRequest, type CreditsDeps } from '@/lib/credits/handle-credits-request';
import type { LogLine } from '@/lib/http/request-context';
import { checkedCall } from './openapi';
import { newClerkUserId, servicesFromStack, stack } from './stack';

export const HOLD_TTL_SECONDS = 600;

/** Gives a buyer (by users.id) credits as the operator tool does: one adjustment entry under `key`. */
export async function giveCredits(db: Db, appUserId: string, credits: number, key: string): Promise<void> {
  const result = await adjustBalance(db, { userId: appUserId, credits, key, actor: 'operator:tests', reason: 'test fixture' });
  if (result.outcome !== 'adjusted') throw new Error(`giveCredits: ${result.outcome}`);
}

/** A signed-in buyer with a users row and `balance` credits, given as an adjustment entry. */
export async function creditedBuyer(db: Db, balance: number, label = 'spend') {
  const userId = newClerkUserId(label);
  await stack.neon('query', 'insert into users (clerk_user_id, email, id) values ($1, $2, $3)', [userId, `${userId}@example.com`, `usr_${userId}`]);
  if (balance > 0) await giveCredits(db, `usr_${userId}`, balance, `test:${userId}`);
  return { userId, token: await stack.mintToken({ userId, email: `${userId}@example.com` }) };
}

export async function balanceOf(userId: string): Promise<number> {
  const [row] = await stack.neon<{ credit_balance: number }[]>('query', 'select credit_balance from users where clerk_user_id = $1', [userId]);
  return row!.credit_balance;
}

export async function entriesOf(userId: string): Promise<{ kind: string; credits: number; cause: string }[]> {
  return stack.neon('query', 'select e.kind, e.credits, e.cause from credit_entries e join users u on u.id = e.user_id where u.clerk_user_id = $1 order by e.created_at, e.id', [userId]);
}

export interface CreditsCall { token?: string; key?: string | null; body?: unknown; method?: string; contentType?: string; headers?: Record<string, string> }

/** Builds a request to `${appUrl}/api/credits/${path}`. */
export function creditsRequest(appUrl: string, path: string, init: CreditsCall = {}): Request {
  const headers = new Headers(init.headers);
  headers.set('content-type', init.contentType ?? 'application/json');
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (init.key !== null) headers.set('idempotency-key', init.key ?? crypto.randomUUID());
  const method = init.method ?? 'POST';
  const body = method === 'GET' ? null : typeof init.body === 'string' ? init.body : JSON.stringify(init.body ?? {});
  return new Request(`${appUrl}/api/credits/${path}`, { method, headers, body });
}

export async function creditsHarness() {
  const services = await servicesFromStack();
  const logs: LogLine[] = [];
  let offsetMs = 0;
  const deps: CreditsDeps = {
    ...services,
    holdTtlSeconds: HOLD_TTL_SECONDS,
    now: () => new Date(Date.now() + offsetMs),
    log: (line) => void logs.push(line),
  };
  return {
    ...services,
    deps,
    logs,
    advanceClock: (seconds: number) => void (offsetMs += seconds * 1000),
    /** Every call is checked against the OpenAPI document (tests/support/openapi.ts). */
    call: (path: string, init?: CreditsCall) => checkedCall(creditsRequest(services.appUrl, path, init), (request) => handleCreditsRequest(request, deps)),
  };
}

export type CreditsHarness = Awaited<ReturnType<typeof creditsHarness>>;

/** A test file's harness, filled in before its first test (a file's tests read it, they never build their own). */
export function useCreditsHarness(): CreditsHarness {
  const harness = {} as CreditsHarness;
  beforeAll(async () => void Object.assign(harness, await creditsHarness()));
  return harness;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
export type Body = Record<string, any>;
export const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as Body });

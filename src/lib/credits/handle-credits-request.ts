// The credits API's core (/api/credits/…): Web Request in, Response out, no Next.js, so it runs at the edge, in Node
// and in workerd. Buyers authenticate with their Clerk session; the booking service with a shared secret, naming the
// buyer in the body.
import type { Db } from '@/db/client';
import type { EntryView } from '@/db/credits';
import { confirmHold } from './confirm-hold';
import type { DebitOutcome } from './debit-with-key';
import { BillingError, callUpstream, finishRequest, type Logger, RequestContext } from '@/lib/http';
import { holdCredits } from './hold-credits';
import type { BuyerIdentity } from '@/lib/identity';
import { parseCreditsRequest, readCreditsBody } from './parse-credits-request';
import { releaseHold } from './release-hold';
import type { Settled } from './settle-hold-or-throw';
import { spendCredits } from './spend-credits';
import { verifyServiceSecret } from './verify-service-secret';

export interface CreditsDeps {
  db: Db;
  /** Verifies the buyer's session (Clerk's `auth()` in Next, `verifyToken` elsewhere); null when signed out. */
  authenticate(request: Request): Promise<BuyerIdentity | null>;
  /** CREDITS_SERVICE_SECRET; unset means the service routes refuse everyone. */
  serviceSecret?: string;
  holdTtlSeconds: number;
  /** The clock holds expire by (tests move it instead of sleeping). */
  now?: () => Date;
  log: Logger;
}

type Operation = { op: 'spend' | 'hold' } | { op: 'confirm' | 'release'; holdId: string };

function route(path: string): { service: boolean; operation: Operation } | null {
  const match = path.match(/^\/api\/credits\/(service\/)?(?:(spend|holds)|holds\/(cre_[A-Za-z0-9_-]{1,64})\/(confirm|release))$/);
  if (!match) return null;
  const service = match[1] !== undefined;
  if (match[2]) return { service, operation: { op: match[2] === 'spend' ? 'spend' : 'hold' } };
  return { service, operation: { op: match[4] as 'confirm' | 'release', holdId: match[3]! } };
}

const holdStatus = (d: DebitOutcome) => (d.settlement ?? 'held');
const entryJson = (e: EntryView) => ({ id: e.id, credits: -e.credits, reference: e.reference, createdAt: e.createdAt });

function debitResponse(op: 'spend' | 'hold', outcome: DebitOutcome): Response {
  const { entry, replayed } = outcome;
  const body =
    op === 'spend'
      ? { spend: entryJson(entry), balance: entry.balanceAfter }
      : // A replayed hold reports the hold's current state (and then the balance now).
        { hold: { ...entryJson(entry), status: holdStatus(outcome), expiresAt: entry.expiresAt }, balance: outcome.balance ?? entry.balanceAfter };
  // Stripe's header for an answer repeated from the first request with this key.
  return Response.json(body, { status: replayed ? 200 : 201, headers: replayed ? { 'Idempotent-Replayed': 'true' } : {} });
}

const settledResponse = (s: Settled) =>
  Response.json({ hold: { ...entryJson(s.hold), status: s.settlement, expiresAt: s.hold.expiresAt }, balance: s.balance });

/** The buyer the request is for; the caller (the `service` flag) is the actor its keys and holds belong to. */
async function buyerId(request: Request, service: boolean, body: Record<string, unknown>, deps: CreditsDeps, ctx: RequestContext): Promise<string> {
  if (service) {
    if (!(await verifyServiceSecret(request, deps.serviceSecret))) throw new BillingError('unauthenticated', 'A valid service secret is required.');
    const buyer = body.buyer;
    if (typeof buyer !== 'string' || !/^user_[A-Za-z0-9_]{1,100}$/.test(buyer)) {
      throw new BillingError('invalid_body', 'buyer must be the Clerk user id (user_…) of the buyer.');
    }
    return buyer;
  }
  const identity = await ctx.time('auth', () => callUpstream('auth', () => deps.authenticate(request)));
  if (!identity) throw new BillingError('unauthenticated', 'Sign in to use your credits.');
  return identity.clerkUserId;
}

export async function handleCreditsRequest(request: Request, deps: CreditsDeps): Promise<Response> {
  const ctx = new RequestContext(request);
  const facts: Record<string, unknown> = {};
  let outcome = 'ok';
  let response: Response;
  try {
    const target = route(new URL(request.url).pathname);
    if (!target) throw new BillingError('not_found', 'No such credits operation.');
    const { service, operation } = target;
    facts.op = operation.op;
    if (request.method !== 'POST') throw new BillingError('method_not_allowed', 'Use POST.');
    const body = await readCreditsBody(request);
    const clerkUserId = await buyerId(request, service, body, deps, ctx);
    facts.user = clerkUserId;
    const now = deps.now?.() ?? new Date();
    if (operation.op === 'spend' || operation.op === 'hold') {
      const { op } = operation;
      const req = parseCreditsRequest(request, body, clerkUserId, service ? 'service' : 'buyer');
      const done = await ctx.time('db', () =>
        op === 'spend' ? spendCredits(deps.db, req, now) : holdCredits(deps.db, req, now, deps.holdTtlSeconds),
      );
      facts.entry = done.entry.id;
      if (done.replayed) outcome = 'replayed';
      response = debitResponse(op, done);
    } else {
      const { op, holdId } = operation as Extract<Operation, { holdId: string }>;
      const settled = await ctx.time('db', () => (op === 'confirm' ? confirmHold : releaseHold)(deps.db, clerkUserId, holdId, now, service ? 'service' : 'buyer'));
      if (!settled.fresh) outcome = 'replayed';
      response = settledResponse(settled);
    }
  } catch (error) {
    return finishRequest(ctx, deps.log, { route: 'credits', facts, outcome }, { error });
  }
  return finishRequest(ctx, deps.log, { route: 'credits', facts, outcome }, { response });
}

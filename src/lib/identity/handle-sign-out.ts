// POST /sign-out's core: ends the buyer's Clerk session and clears Clerk's cookies, without clerk-js. Web Request in,
// Response out, no Next.js, like the checkout core.
import { describeError } from '@/lib/http';
import type { Logger } from '@/lib/http';

export interface SignOutDeps {
  /** The verified session's id (`sid`), null when signed out. */
  sessionId(request: Request): Promise<string | null>;
  revokeSession(sessionId: string): Promise<void>;
  appUrl: string;
  log: Logger;
}

// What Clerk writes for "this browser signed out": no session token and __client_uat=0 (not a missing cookie).
const CLEARED = ['__session=; Path=/; Max-Age=0; SameSite=Lax', `__client_uat=0; Path=/; Max-Age=${365 * 24 * 3600}; SameSite=Lax`];

export async function handleSignOut(request: Request, deps: SignOutDeps): Promise<Response> {
  const home = new URL('/', deps.appUrl);
  const origin = request.headers.get('origin');
  const line = { route: 'sign-out', requestId: crypto.randomUUID(), timings: {} };
  // A cross-site form must not sign the buyer out; method and Origin as for the checkout.
  if (request.method !== 'POST' || (origin !== null && origin !== home.origin)) {
    deps.log({ ...line, status: 303, outcome: request.method !== 'POST' ? 'method_not_allowed' : 'forbidden_origin' });
    return new Response(null, { status: 303, headers: { Location: home.href, 'Cache-Control': 'no-store' } });
  }
  const headers = new Headers({ Location: home.href, 'Cache-Control': 'no-store' });
  for (const cookie of CLEARED) headers.append('Set-Cookie', cookie);
  let outcome = 'signed_out';
  const sessionId = await deps.sessionId(request).catch(() => null);
  if (sessionId) {
    // Revoked at Clerk, so the next handshake cannot bring the session back; if Clerk is down the cookies still go,
    // and the session ends by itself when Clerk's session lifetime runs out.
    await deps.revokeSession(sessionId).catch((err: unknown) => {
      outcome = 'revoke_failed';
      deps.log({ ...line, status: 303, outcome, cause: describeError(err) });
    });
  }
  if (outcome === 'signed_out') deps.log({ ...line, status: 303, outcome, revoked: sessionId !== null });
  return new Response(null, { status: 303, headers });
}

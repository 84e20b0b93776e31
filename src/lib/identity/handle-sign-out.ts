// POST /sign-out's core: ends the buyer's Clerk sessions and clears every Clerk cookie the browser holds for the app,
// without clerk-js. Web Request in, Response out, no Next.js, like the checkout core.
import { describeError } from '@/lib/http';
import type { Logger } from '@/lib/http';
import { readCookies } from './read-cookies';

export interface SignOutDeps {
  /** The sessions the request's cookies name, verified but expiry ignored (session-ids-to-revoke.ts). */
  sessionIds(request: Request): Promise<string[]>;
  revokeSession(sessionId: string): Promise<void>;
  appUrl: string;
  log: Logger;
}

// Clerk's browser cookies, suffixed (`__session_<suffix>`, written when instances share a domain) or not. `__client`
// is not here: it lives on Clerk's Frontend API domain, not the app's.
const CLERK_COOKIE = /^(__session|__client_uat|__clerk_db_jwt|__refresh|__clerk_handshake|__clerk_handshake_nonce|__clerk_redirect_count)(_[A-Za-z0-9_-]+)?$/;
const YEAR = 365 * 24 * 3600;

/** The app's host and each parent domain of two labels or more: clerk-js writes `__client_uat` on the widest one. */
function cookieDomains(host: string): string[] {
  if (!host.includes('.') || /^[\d.]+$/.test(host) || host.startsWith('[')) return [];
  const labels = host.split('.');
  return labels.slice(0, -1).map((_, i) => labels.slice(i).join('.'));
}

/** Set-Cookie lines that clear each Clerk cookie, host-only and on every domain it may have been written for. */
function clearingCookies(request: Request, host: string): string[] {
  const names = new Set(['__session', '__client_uat']);
  for (const name of readCookies(request).keys()) if (CLERK_COOKIE.test(name)) names.add(name);
  const scopes = ['', ...cookieDomains(host).map((d) => `; Domain=${d}`)];
  // What Clerk writes for "this browser signed out": no session token and __client_uat=0 (not a missing cookie).
  const clear = (name: string) => (name.startsWith('__client_uat') ? `${name}=0; Path=/; Max-Age=${YEAR}` : `${name}=; Path=/; Max-Age=0`);
  return [...names].flatMap((name) => scopes.map((scope) => `${clear(name)}${scope}; SameSite=Lax`));
}

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
  for (const cookie of clearingCookies(request, home.hostname)) headers.append('Set-Cookie', cookie);
  let outcome = 'signed_out';
  const sessionIds = await deps.sessionIds(request).catch(() => []);
  // Revoked at Clerk, so no handshake can bring a session back; if Clerk is down the cookies still go, and the session
  // ends by itself when Clerk's session lifetime runs out.
  await Promise.all(
    sessionIds.map((id) =>
      deps.revokeSession(id).catch((err: unknown) => {
        outcome = 'revoke_failed';
        deps.log({ ...line, status: 303, outcome, cause: describeError(err) });
      }),
    ),
  );
  if (outcome === 'signed_out') deps.log({ ...line, status: 303, outcome, revoked: sessionIds.length });
  return new Response(null, { status: 303, headers });
}

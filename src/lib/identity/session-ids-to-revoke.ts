// The Clerk sessions a sign-out ends: every session cookie the browser sent (`__session` and the suffixed
// `__session_<suffix>` Clerk writes when several instances share a domain), each token's signature verified but its
// expiry ignored: after a minute on the page the token has expired, and its session is still live at Clerk.
import { readCookies } from './read-cookies';
import { verifySessionToken, type SessionTokenOptions } from './verify-session-token';

const SESSION_COOKIE = /^__session(_[A-Za-z0-9_-]+)?$/;
// A bound on the work a crafted Cookie header can cause; a browser holds one per Clerk instance on the domain.
const MAX_TOKENS = 4;

export async function sessionIdsToRevoke(request: Request, options: Omit<SessionTokenOptions, 'ignoreExpiry'>): Promise<string[]> {
  const tokens = [...readCookies(request)].filter(([name, value]) => SESSION_COOKIE.test(name) && value !== '').slice(0, MAX_TOKENS);
  const claims = await Promise.all(tokens.map(([, token]) => verifySessionToken(token, { ...options, ignoreExpiry: true })));
  const ids = claims.map((c) => c?.sid).filter((sid): sid is string => typeof sid === 'string' && sid.length > 0);
  return [...new Set(ids)];
}

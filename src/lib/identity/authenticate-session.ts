// Authenticates an API request the way Clerk's `authenticateRequest` + `toAuth()` does for a request that cannot
// handshake (any non-GET): Bearer header first, else the `__session` cookie under `__client_uat`'s rules;
// @clerk/backend's verifyToken checks the token (verify-session-token.ts); a pending session (`sts: 'pending'`,
// e.g. forced MFA not finished) counts as signed out, as Clerk's `auth()` treats it.
// tests/unit/identity/authenticate-session.node.test.ts holds it to @clerk/backend's own verdicts case by case.
import { identityFromClaims, type BuyerIdentity } from './identity';
import { readCookies } from './read-cookies';
import { verifySessionToken, type SessionTokenOptions } from './verify-session-token';

export type SessionAuthOptions = Omit<SessionTokenOptions, 'ignoreExpiry'>;

/** The token a signed-in request carries, or null where Clerk would answer signed out (or hand off to a handshake). */
function sessionToken(request: Request): { token: string; clientUat: number } | null {
  const bearer = request.headers.get('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return { token: bearer, clientUat: 0 };
  const jar = readCookies(request);
  const token = jar.get('__session');
  const clientUat = Number.parseInt(jar.get('__client_uat') ?? '', 10) || 0;
  // Clerk: no active client (`__client_uat` absent or 0) or no token → signed out; a POST is never handshake-eligible.
  if (!token || clientUat === 0) return null;
  return { token, clientUat };
}

/** The buyer a request is signed in as, or null (signed out, expired, stale, pending, forged, or for another origin). */
export function authenticateSession(options: SessionAuthOptions): (request: Request) => Promise<BuyerIdentity | null> {
  return async (request) => {
    const found = sessionToken(request);
    if (!found) return null;
    const claims = await verifySessionToken(found.token, options);
    if (!claims || claims.sts === 'pending') return null;
    // A token issued before the client's last sign-in/out is stale (Clerk: session-token-iat-before-client-uat).
    if (typeof claims.iat === 'number' && claims.iat < found.clientUat) return null;
    return identityFromClaims(claims.sub, claims);
  };
}

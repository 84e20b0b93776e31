// A Clerk session token's claims, verified by @clerk/backend's own verifyToken (signature with the instance's PEM,
// networkless; exp/nbf/iat with Clerk's 5 s skew; azp against authorizedParties), after the token-type checks that
// Clerk's authenticateRequest makes before it (machine tokens and non-session categories are never sessions).
import { verifyToken } from '@clerk/backend';

export interface SessionTokenOptions {
  /** The instance's JWT public key (PEM, Clerk Dashboard → API keys → JWT public key). */
  jwtKey: string;
  /** Origins whose tokens are accepted (`azp`); the app's own origin. */
  authorizedParties: string[];
  /** Sign-out only: the session is ended even when its token has expired, so its expiry is not checked. */
  ignoreExpiry?: boolean;
}

type SessionClaims = Record<string, unknown> & { sub: string };

// Clerk's session-token category and the one it ignores; any other `cat` (M2M, OAuth) is not a session
// (@clerk/backend: isNonSessionJwtCategory). OAuth access tokens say so in `typ`, M2M tokens in `sub` (isMachineJwt).
const SESSION_CATEGORIES = new Set([undefined, 'cl_B7d4PD111AAA', 'cl_I7d4PD111III']);
const OAUTH_TYPES = new Set(['at+jwt', 'application/at+jwt']);
// Longer than any Clerk session lives, so an expired token of a live session still names it.
const ANY_AGE_MS = 400 * 24 * 3600 * 1000;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The token's JOSE header, unverified, or null when it is not a JSON object. Only the header: verifyToken decodes the
 * whole token itself (twice), and the payload is read from its verified result, so a third full decode is not paid.
 */
function headerOf(token: string): Record<string, unknown> | null {
  const end = token.indexOf('.');
  if (end <= 0) return null;
  try {
    const header: unknown = JSON.parse(atob(token.slice(0, end).replace(/-/g, '+').replace(/_/g, '/')));
    return isObject(header) ? header : null;
  } catch {
    return null;
  }
}

/** The verified claims, or null for anything that is not a valid session token of this instance and app. */
export async function verifySessionToken(token: string, options: SessionTokenOptions): Promise<SessionClaims | null> {
  const header = headerOf(token);
  // verifyToken reads `header.kid` before any check: a `null` header would throw a TypeError, not refuse the token.
  if (!header) return null;
  if (OAUTH_TYPES.has(header.typ as string) || !SESSION_CATEGORIES.has(header.cat as string | undefined)) return null;
  let payload: unknown;
  try {
    payload = await verifyToken(token, { jwtKey: options.jwtKey, authorizedParties: options.authorizedParties, ...(options.ignoreExpiry && { clockSkewInMs: ANY_AGE_MS }) });
  } catch {
    // Every failure of a networkless verification is the token's (bad signature, expired, other azp, malformed).
    return null;
  }
  // A verified payload that is not an object (`null` signs as well as anything) or names a machine is no session.
  if (!isObject(payload) || typeof payload.sub !== 'string' || payload.sub.startsWith('mch_')) return null;
  return payload as SessionClaims;
}

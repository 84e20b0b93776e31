// A Clerk session token's claims, verified by @clerk/backend's own verifyToken (signature with the instance's PEM,
// networkless; exp/nbf/iat with Clerk's 5 s skew; azp against authorizedParties), after the token-type checks that
// Clerk's authenticateRequest makes before it (machine tokens and non-session categories are never sessions).
import { verifyToken } from '@clerk/backend';
import { decodeJwt } from '@clerk/backend/jwt';

export interface SessionTokenOptions {
  /** The instance's JWT public key (PEM, Clerk Dashboard → API keys → JWT public key). */
  jwtKey: string;
  /** Origins whose tokens are accepted (`azp`); the app's own origin. */
  authorizedParties: string[];
  /** Sign-out only: the session is ended even when its token has expired, so its expiry is not checked. */
  ignoreExpiry?: boolean;
}

export type SessionClaims = Record<string, unknown> & { sub: string };

// Clerk's session-token category and the one it ignores; any other `cat` (M2M, OAuth) is not a session
// (@clerk/backend: isNonSessionJwtCategory). OAuth access tokens say so in `typ`, M2M tokens in `sub` (isMachineJwt).
const SESSION_CATEGORIES = new Set([undefined, 'cl_B7d4PD111AAA', 'cl_I7d4PD111III']);
const OAUTH_TYPES = new Set(['at+jwt', 'application/at+jwt']);
// Longer than any Clerk session lives, so an expired token of a live session still names it.
const ANY_AGE_MS = 400 * 24 * 3600 * 1000;

function decoded(token: string): { header: unknown; payload: unknown } {
  try {
    return decodeJwt(token);
  } catch {
    return { header: null, payload: null };
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The verified claims, or null for anything that is not a valid session token of this instance and app. */
export async function verifySessionToken(token: string, options: SessionTokenOptions): Promise<SessionClaims | null> {
  const { header, payload } = decoded(token);
  // verifyToken reads `header.kid` before any check: a `null` header would throw a TypeError, not refuse the token.
  if (!isObject(header) || !isObject(payload)) return null;
  if (OAUTH_TYPES.has(header.typ as string) || !SESSION_CATEGORIES.has(header.cat as string | undefined)) return null;
  if (typeof payload.sub !== 'string' || payload.sub.startsWith('mch_')) return null;
  try {
    return await verifyToken(token, { jwtKey: options.jwtKey, authorizedParties: options.authorizedParties, ...(options.ignoreExpiry && { clockSkewInMs: ANY_AGE_MS }) });
  } catch {
    // Every failure of a networkless verification is the token's (bad signature, expired, other azp, malformed).
    return null;
  }
}

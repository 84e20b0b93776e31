// Authenticates an API request the way Clerk's `authenticateRequest` does for a request that cannot handshake (any
// non-GET), without Clerk's middleware: Bearer header first, else the `__session` cookie under `__client_uat`'s rules,
// RS256 verified networkless against the instance's PEM key, imported once per isolate (Clerk re-imports it on every
// verification), claims checked with Clerk's rules and its 5 s clock skew, `azp` restricted to the app's origin.
// tests/unit/identity/authenticate-session.node.test.ts holds it to @clerk/backend's own verdicts case by case.
import { decodeJwt } from '@clerk/backend/jwt';
import { identityFromClaims, type BuyerIdentity } from './identity';

export interface SessionAuthOptions {
  /** The instance's JWT public key (PEM, Clerk Dashboard → API keys → JWT public key). */
  jwtKey: string;
  /** Origins whose tokens are accepted (`azp`); the app's own origin. */
  authorizedParties: readonly string[];
  /** Defaults to Date.now; tests move it. */
  now?: () => number;
}

const CLOCK_SKEW_MS = 5_000; // @clerk/backend's DEFAULT_CLOCK_SKEW_IN_MS
// Clerk's session-token category, and the one it ignores; any other `cat` (an M2M or OAuth token) is not a session.
const SESSION_CATEGORIES = new Set([undefined, 'cl_B7d4PD111AAA', 'cl_I7d4PD111III']);
const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

const keys = new Map<string, Promise<CryptoKey>>();
function publicKey(pem: string): Promise<CryptoKey> {
  let key = keys.get(pem);
  if (!key) {
    const base64 = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s/g, '');
    const der = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    key = crypto.subtle.importKey('spki', der, RS256, false, ['verify']);
    key.catch(() => keys.delete(pem));
    keys.set(pem, key);
  }
  return key;
}

function cookies(request: Request): Map<string, string> {
  const jar = new Map<string, string>();
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!jar.has(name)) {
      try {
        jar.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
      } catch {
        jar.set(name, part.slice(eq + 1).trim());
      }
    }
  }
  return jar;
}

type Claims = Record<string, unknown>;

/** The token a signed-in request carries, or null where Clerk would answer signed out (or hand off to a handshake). */
function sessionToken(request: Request): { token: string; fromCookie: boolean; clientUat: number } | null {
  const bearer = request.headers.get('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return { token: bearer, fromCookie: false, clientUat: 0 };
  const jar = cookies(request);
  const token = jar.get('__session');
  const clientUat = Number.parseInt(jar.get('__client_uat') ?? '', 10) || 0;
  // Clerk: no active client (`__client_uat` absent or 0) or no token → signed out; a POST is never handshake-eligible.
  if (!token || clientUat === 0) return null;
  return { token, fromCookie: true, clientUat };
}

async function verifiedClaims(token: string, clientUat: number, options: SessionAuthOptions): Promise<Claims | null> {
  let jwt;
  try {
    jwt = decodeJwt(token);
  } catch {
    return null;
  }
  const { header, payload, signature, raw } = jwt as unknown as { header: Claims; payload: Claims; signature: Uint8Array<ArrayBuffer>; raw: { header: string; payload: string } };
  if (header.alg !== 'RS256' || (header.typ !== undefined && header.typ !== 'JWT') || !SESSION_CATEGORIES.has(header.cat as string | undefined)) return null;
  const { sub, azp, exp, nbf, iat } = payload;
  // Clerk treats these as machine tokens, never sessions.
  if (typeof sub !== 'string' || sub.startsWith('mch_')) return null;
  // A token issued before the client's last sign-in/out is stale (Clerk: session-token-iat-before-client-uat).
  if (clientUat > 0 && typeof iat === 'number' && iat < clientUat) return null;
  const valid = await crypto.subtle.verify(RS256, await publicKey(options.jwtKey), signature, new TextEncoder().encode(`${raw.header}.${raw.payload}`));
  if (!valid) return null;
  const now = (options.now ?? Date.now)();
  if (typeof exp !== 'number' || exp * 1000 <= now - CLOCK_SKEW_MS) return null;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf * 1000 > now + CLOCK_SKEW_MS)) return null;
  if (iat !== undefined && (typeof iat !== 'number' || iat * 1000 > now + CLOCK_SKEW_MS)) return null;
  if (options.authorizedParties.length > 0 && (typeof azp !== 'string' || !options.authorizedParties.includes(azp))) return null;
  return payload;
}

/** The buyer a request is signed in as, or null (signed out, expired, stale, forged, or for another origin). */
export function authenticateSession(options: SessionAuthOptions): (request: Request) => Promise<BuyerIdentity | null> {
  return async (request) => {
    const found = sessionToken(request);
    if (!found) return null;
    const claims = await verifiedClaims(found.token, found.fromCookie ? found.clientUat : 0, options);
    return claims ? identityFromClaims(claims.sub as string, claims) : null;
  };
}

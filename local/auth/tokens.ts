// Mints session tokens shaped like Clerk's: RS256 with the instance kid, `sub`/`sid`/`iat`/`nbf`/`exp`/`iss`, plus
// what a session-token template would add. @clerk/backend's verifyToken accepts them given the public PEM (jwtKey).
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { LocalKeyPair } from './keys';
import { DEFAULT_ISSUER } from './publishable-key';

export interface MintOptions {
  userId: string;
  sessionId?: string;
  email?: string;
  /** Default 600. */
  ttlSeconds?: number;
  /** Unix seconds, default now. */
  issuedAt?: number;
  notBefore?: number;
  /** 'pending': a session with unfinished tasks (forced MFA, …); Clerk's `auth()` treats it as signed out. */
  sessionStatus?: 'active' | 'pending';
  /** Extra custom claims (e.g. stripe_customer_id from a session-token template). */
  claims?: Record<string, unknown>;
  /** Default 'https://clerk.localhost' (see publishable-key.ts for why it must match the publishable key). */
  issuer?: string;
}

// Claims whose meaning Clerk fixes; letting `claims` override them would mint tokens that lie about their validity.
const RESERVED = ['sub', 'sid', 'sts', 'iat', 'nbf', 'exp', 'iss'];

// Clerk backdates nbf so a verifier whose clock is slightly behind still accepts a fresh token.
const NBF_BACKDATE_SECONDS = 10;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** A Clerk-looking id (`sess_…`, `idn_…`): prefix + 27 base62 characters. */
export function clerkId(prefix: string): string {
  return `${prefix}_${Array.from(randomBytes(27), (b) => BASE62[b % 62]).join('')}`;
}

function integer(name: string, value: number): number {
  if (!Number.isSafeInteger(value)) throw new Error(`mintSessionToken: ${name} must be an integer, got ${value}`);
  return value;
}

export async function mintSessionToken(key: LocalKeyPair, options: MintOptions): Promise<string> {
  if (typeof options.userId !== 'string' || options.userId === '') throw new Error('mintSessionToken: userId is required');
  const clash = Object.keys(options.claims ?? {}).filter((c) => RESERVED.includes(c));
  if (clash.length) throw new Error(`mintSessionToken: claims may not set ${clash.join(', ')}; use the options instead`);

  const iat = integer('issuedAt', options.issuedAt ?? Math.floor(Date.now() / 1000));
  const nbf = integer('notBefore', options.notBefore ?? iat - NBF_BACKDATE_SECONDS);
  const exp = iat + integer('ttlSeconds', options.ttlSeconds ?? 600);

  return new SignJWT({
    ...options.claims,
    ...(options.email !== undefined && { email: options.email }),
    sid: options.sessionId ?? clerkId('sess'),
    ...(options.sessionStatus && { sts: options.sessionStatus }),
  })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setSubject(options.userId)
    .setIssuer(options.issuer ?? DEFAULT_ISSUER)
    .setIssuedAt(iat)
    .setNotBefore(nbf)
    .setExpirationTime(exp)
    .sign(key.privateKey);
}

// The route's own authentication against Clerk's: every case is judged by @clerk/backend's authenticateRequest +
// toAuth() (the code clerkMiddleware and auth() run) and by authenticateSession, and the two verdicts must agree.
import { createClerkClient } from '@clerk/backend';
import { generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEphemeralKeyPair, localPublishableKey, mintSessionToken, type LocalKeyPair } from '@local/auth';
import { authenticateSession } from '@/lib/identity/authenticate-session';

const APP = 'https://shop.example';
const now = () => Math.floor(Date.now() / 1000);

let key: LocalKeyPair;
let otherKey: CryptoKey;
let clerk: ReturnType<typeof createClerkClient>;
beforeAll(async () => {
  key = await createEphemeralKeyPair();
  otherKey = (await generateKeyPair('RS256')).privateKey;
  clerk = createClerkClient({ publishableKey: localPublishableKey(), secretKey: 'sk_live_unused', jwtKey: key.publicKeyPem });
});

const mint = (claims: Record<string, unknown> = { azp: APP }, options: { ttlSeconds?: number; issuedAt?: number; notBefore?: number; sessionStatus?: 'active' | 'pending' } = {}) =>
  mintSessionToken(key, { userId: 'user_diff', email: 'diff@example.com', claims, ...options });

async function forged(alg: 'RS256' | 'HS256', payload: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const jwt = new SignJWT({ sub: 'user_diff', azp: APP, iat: now(), exp: now() + 60, ...payload }).setProtectedHeader({ alg, kid: key.kid, typ: 'JWT', ...header });
  return alg === 'HS256' ? jwt.sign(new TextEncoder().encode('not-the-key-but-long-enough-for-hs256')) : jwt.sign(otherKey);
}

const b64 = (text: string) => Buffer.from(text).toString('base64url');

/** Clerk's verdict: the user id auth() would give, or null; a request Clerk's own code throws on is not signed in. */
async function clerkUserId(req: Request): Promise<string | null> {
  try {
    const state = await clerk.authenticateRequest(req, { jwtKey: key.publicKeyPem, authorizedParties: [APP] });
    return state.toAuth()?.userId ?? null;
  } catch {
    return null;
  }
}

type Init = { bearer?: string; session?: string; clientUat?: number | string };
function request({ bearer, session, clientUat }: Init): Request {
  const headers = new Headers({ 'content-type': 'application/json', origin: APP, 'sec-fetch-dest': 'empty' });
  if (bearer) headers.set('authorization', `Bearer ${bearer}`);
  const cookie = [session !== undefined && `__session=${session}`, clientUat !== undefined && `__client_uat=${clientUat}`].filter(Boolean).join('; ');
  if (cookie) headers.set('cookie', cookie);
  return new Request(`${APP}/api/billing/checkout`, { method: 'POST', headers, body: '{}' });
}

const cases: [string, () => Promise<Init>, boolean][] = [
  ['a fresh Bearer token', async () => ({ bearer: await mint() }), true],
  ['a fresh cookie with __client_uat before iat', async () => ({ session: await mint(), clientUat: now() - 30 }), true],
  ['a cookie without __client_uat', async () => ({ session: await mint() }), false],
  ['a cookie with __client_uat=0 (signed out elsewhere)', async () => ({ session: await mint(), clientUat: 0 }), false],
  ['__client_uat but no __session', () => Promise.resolve({ clientUat: now() - 30 }), false],
  ['a token issued before __client_uat (stale)', async () => ({ session: await mint({ azp: APP }, { issuedAt: now() - 40 }), clientUat: now() - 5 }), false],
  ['a Bearer token 17 s past expiry', async () => ({ bearer: await mint({ azp: APP }, { issuedAt: now() - 77, ttlSeconds: 60 }) }), false],
  ['a cookie token 17 s past expiry', async () => ({ session: await mint({ azp: APP }, { issuedAt: now() - 77, ttlSeconds: 60 }), clientUat: now() - 100 }), false],
  ['a token 3 s past expiry (inside the 5 s skew)', async () => ({ bearer: await mint({ azp: APP }, { issuedAt: now() - 63, ttlSeconds: 60 }) }), true],
  ['a token not valid for another minute (nbf)', async () => ({ bearer: await mint({ azp: APP }, { notBefore: now() + 60 }) }), false],
  ['a token issued in the future (iat)', async () => ({ bearer: await mint({ azp: APP }, { issuedAt: now() + 60 }) }), false],
  ['a token for another origin (azp)', async () => ({ bearer: await mint({ azp: 'https://other.example' }) }), false],
  ['a token without azp', async () => ({ bearer: await mint({}) }), false],
  ['a token signed by another key', async () => ({ bearer: await forged('RS256', {}) }), false],
  ['an HS256 token', async () => ({ bearer: await forged('HS256', {}) }), false],
  ['a machine token (sub mch_…)', async () => ({ bearer: await forged('RS256', { sub: 'mch_abc' }) }), false],
  ['a payload swapped onto a valid signature', async () => {
    const [h, , s] = (await mint()).split('.');
    const p = Buffer.from(JSON.stringify({ sub: 'user_other', azp: APP, iat: now(), exp: now() + 60 })).toString('base64url');
    return { bearer: `${h}.${p}.${s}` };
  }, false],
  ['a pending session (sts: pending, tasks unfinished) as Bearer', async () => ({ bearer: await mint({ azp: APP }, { sessionStatus: 'pending' }) }), false],
  ['a pending session in the cookie', async () => ({ session: await mint({ azp: APP }, { sessionStatus: 'pending' }), clientUat: now() - 30 }), false],
  ['an active session that says so (sts: active)', async () => ({ bearer: await mint({ azp: APP }, { sessionStatus: 'active' }) }), true],
  ['a forged token whose header is null', () => Promise.resolve({ bearer: `${b64('null')}.${b64(JSON.stringify({ sub: 'user_diff', azp: APP, iat: now(), exp: now() + 60 }))}.c2ln` }), false],
  ['a forged token whose payload is null', () => Promise.resolve({ bearer: `${b64(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }))}.${b64('null')}.c2ln` }), false],
  ['a token whose header is an array', () => Promise.resolve({ bearer: `${b64('[1]')}.${b64('{}')}.c2ln` }), false],
  ['a cookie token whose payload is a number', () => Promise.resolve({ session: `${b64(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${b64('42')}.c2ln`, clientUat: now() - 30 }), false],
  ['an OAuth access token (typ at+jwt)', async () => ({ bearer: await forged('RS256', {}, { typ: 'at+jwt' }) }), false],
  ['a token of a non-session category (cat)', async () => ({ bearer: await forged('RS256', {}, { cat: 'cl_B7d4PD333AAA' }) }), false],
  ['garbage', () => Promise.resolve({ bearer: 'not.a.jwt' }), false],
  ['nothing', () => Promise.resolve({}), false],
];

describe('authenticateSession agrees with @clerk/backend authenticateRequest(...).toAuth()', () => {
  it.each(cases)('%s', async (_name, init, signedIn) => {
    const parts = await init();
    const theirs = await clerkUserId(request(parts));
    const ours = await authenticateSession({ jwtKey: key.publicKeyPem, authorizedParties: [APP] })(request(parts));
    expect(theirs !== null).toBe(signedIn);
    expect(ours?.clerkUserId ?? null).toBe(signedIn ? 'user_diff' : null);
  });
});

// The route's own authentication against Clerk's: every case is judged by @clerk/backend's authenticateRequest (the
// code clerkMiddleware runs) and by authenticateSession, and the two verdicts must agree — plus the key-caching claim.
import { createClerkClient } from '@clerk/backend';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
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

const mint = (claims: Record<string, unknown> = { azp: APP }, options: { ttlSeconds?: number; issuedAt?: number; notBefore?: number } = {}) =>
  mintSessionToken(key, { userId: 'user_diff', email: 'diff@example.com', claims, ...options });

async function forged(alg: 'RS256' | 'HS256', payload: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const jwt = new SignJWT({ sub: 'user_diff', azp: APP, iat: now(), exp: now() + 60, ...payload }).setProtectedHeader({ alg, kid: key.kid, typ: 'JWT', ...header });
  return alg === 'HS256' ? jwt.sign(new TextEncoder().encode('not-the-key-but-long-enough-for-hs256')) : jwt.sign(otherKey);
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
  ['garbage', () => Promise.resolve({ bearer: 'not.a.jwt' }), false],
  ['nothing', () => Promise.resolve({}), false],
];

describe('authenticateSession agrees with @clerk/backend authenticateRequest', () => {
  it.each(cases)('%s', async (_name, init, signedIn) => {
    const parts = await init();
    const theirs = await clerk.authenticateRequest(request(parts), { jwtKey: key.publicKeyPem, authorizedParties: [APP] });
    const ours = await authenticateSession({ jwtKey: key.publicKeyPem, authorizedParties: [APP] })(request(parts));
    expect(theirs.isSignedIn).toBe(signedIn);
    expect(ours !== null).toBe(signedIn);
    if (signedIn) expect(ours?.clerkUserId).toBe(theirs.toAuth()?.userId);
  });

  it('imports the public key once per isolate, not per request', async () => {
    const pem = await exportSPKI((await generateKeyPair('RS256')).publicKey); // a key no other test has imported
    const spy = vi.spyOn(crypto.subtle, 'importKey');
    const authenticate = authenticateSession({ jwtKey: pem, authorizedParties: [APP] });
    const token = await mint();
    for (let i = 0; i < 5; i++) await authenticate(request({ bearer: token }));
    expect(spy.mock.calls.filter(([format]) => format === 'spki')).toHaveLength(1);
    spy.mockRestore();
  });
});

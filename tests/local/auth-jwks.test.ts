// The Clerk stand-in's `GET /v1/jwks`: the instance's signing key, behind the secret key, in the shape @clerk/backend
// reads when it verifies a session token without CLERK_JWT_KEY (and the doctor compares CLERK_JWT_KEY with).
import { createClerkClient, verifyToken } from '@clerk/backend';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEphemeralKeyPair, mintSessionToken, startClerkStandIn, type ClerkStandIn, type LocalKeyPair } from '@local/auth';

const SECRET = 'sk_test_jwks_stand_in_7c2e9a';
let key: LocalKeyPair;
let clerk: ClerkStandIn;
beforeAll(async () => {
  key = await createEphemeralKeyPair();
  clerk = await startClerkStandIn({ key, secretKey: SECRET, users: [{ id: 'user_ada', email: 'ada@example.com' }] });
});
afterAll(() => clerk.stop());

it('serves the signing key as a JWKS that @clerk/backend verifies tokens with', async () => {
  const jwks = await createClerkClient({ secretKey: SECRET, apiUrl: clerk.apiUrl }).jwks.getJwks();
  expect(jwks.keys).toEqual([expect.objectContaining({ kid: key.kid, kty: 'RSA', alg: 'RS256', use: 'sig' })]);
  const token = await mintSessionToken(key, { userId: 'user_ada' });
  const claims = await verifyToken(token, { secretKey: SECRET, apiUrl: clerk.apiUrl, skipJwksCache: true });
  expect(claims.sub).toBe('user_ada');
});

it('refuses the JWKS without the secret key', async () => {
  expect((await fetch(`${clerk.apiUrl}/v1/jwks`)).status).toBe(401);
  expect((await fetch(`${clerk.apiUrl}/v1/jwks`, { headers: { authorization: 'Bearer sk_test_wrong' } })).status).toBe(401);
});

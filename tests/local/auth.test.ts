// The local Clerk stand-in against the real @clerk/backend: its tokens pass (and its bad tokens fail) Clerk's own
// verifyToken, its Backend API slice satisfies Clerk's client, and its sign-in cookies authenticate a request the
// way clerkMiddleware would see it.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClerkClient, verifyToken } from '@clerk/backend';
import { isClerkAPIResponseError, TokenVerificationError } from '@clerk/backend/errors';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createEphemeralKeyPair,
  loadOrCreateKeyPair,
  localPublishableKey,
  mintSessionToken,
  startClerkStandIn,
  type ClerkStandIn,
  type LocalKeyPair,
} from '@local/auth';

const SECRET = 'sk_test_local_auth_stand_in';
const APP = 'http://localhost:3000';
const now = () => Math.floor(Date.now() / 1000);

let key: LocalKeyPair;
let clerk: ClerkStandIn;

beforeAll(async () => {
  key = await createEphemeralKeyPair();
  clerk = await startClerkStandIn({
    key,
    secretKey: SECRET,
    users: [
      { id: 'user_ada', email: 'ada@example.com', firstName: 'Ada' },
      { id: 'user_grace', email: 'grace@example.com', firstName: 'Grace', publicMetadata: { plan: 'pro' } },
      { id: 'user_<script>', email: 'odd@example.com' },
    ],
  });
});
afterAll(() => clerk.stop());
afterEach(() => clerk.clearLog());

const api = (secretKey = SECRET) => createClerkClient({ secretKey, apiUrl: clerk.apiUrl });

/** The reason a verification failed, or 'ok'. */
async function verdict(token: string, jwtKey = key.publicKeyPem): Promise<string> {
  try {
    await verifyToken(token, { jwtKey });
    return 'ok';
  } catch (err) {
    return err instanceof TokenVerificationError ? err.reason : `unexpected: ${String(err)}`;
  }
}

async function apiError(call: Promise<unknown>): Promise<{ status: number | undefined; code: string | undefined; traceId: string | undefined }> {
  const err: unknown = await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  if (!isClerkAPIResponseError(err)) throw err;
  return { status: err.status, code: err.errors[0]?.code, traceId: err.clerkTraceId };
}

describe('session tokens', () => {
  it('are accepted by @clerk/backend verifyToken with the public PEM as jwtKey', async () => {
    const token = await mintSessionToken(key, {
      userId: 'user_ada',
      sessionId: 'sess_1',
      email: 'ada@example.com',
      claims: { stripe_customer_id: 'cus_123' },
    });
    const claims = await verifyToken(token, { jwtKey: key.publicKeyPem });
    expect(claims).toMatchObject({ sub: 'user_ada', sid: 'sess_1', email: 'ada@example.com', stripe_customer_id: 'cus_123', iss: 'https://clerk.localhost' });
    expect(claims.exp - claims.iat).toBe(600);
    expect(claims.nbf).toBeLessThanOrEqual(claims.iat);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: key.kid, typ: 'JWT' });
  });

  it('get a fresh sess_ id when none is given, and no email claim without an email', async () => {
    const claims = decodeJwt(await mintSessionToken(key, { userId: 'user_x' }));
    expect(claims.sid).toMatch(/^sess_[0-9A-Za-z]{27}$/);
    expect(claims).not.toHaveProperty('email');
  });

  it('are rejected when expired, not yet valid, signed by another key or unsigned (alg none)', async () => {
    expect(await verdict(await mintSessionToken(key, { userId: 'u', issuedAt: now() - 3600, ttlSeconds: 600 }))).toBe('token-expired');
    expect(await verdict(await mintSessionToken(key, { userId: 'u', notBefore: now() + 600 }))).toBe('token-not-active-yet');
    const other = await createEphemeralKeyPair();
    expect(await verdict(await mintSessionToken(other, { userId: 'u' }))).toBe('token-invalid-signature');

    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u', iat: now(), exp: now() + 600 })}.`;
    expect(await verdict(unsigned)).toBe('token-invalid-algorithm');
    // The same claims signed properly pass: the refusal above is about the algorithm, not the payload.
    expect(await verdict(await mintSessionToken(key, { userId: 'u' }))).toBe('ok');
  });

  it('refuse custom claims that would override the registered ones', async () => {
    await expect(mintSessionToken(key, { userId: 'u', claims: { exp: 1 } })).rejects.toThrow(/exp/);
  });
});

describe('loadOrCreateKeyPair', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clerk-keys-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('persists a key pair (PKCS8 + SPKI PEM) and loads the same one later', async () => {
    const first = await loadOrCreateKeyPair(join(dir, 'a'));
    const privatePem = await readFile(join(dir, 'a', 'private.pem'), 'utf8');
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(await readFile(join(dir, 'a', 'public.pem'), 'utf8')).toBe(first.publicKeyPem);
    expect(first.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect((await stat(join(dir, 'a', 'private.pem'))).mode & 0o077).toBe(0);

    const again = await loadOrCreateKeyPair(join(dir, 'a'));
    expect(again.publicKeyPem).toBe(first.publicKeyPem);
    expect(again.kid).toBe(first.kid);
    expect(await readFile(join(dir, 'a', 'private.pem'), 'utf8')).toBe(privatePem);
    // A token from the reloaded key verifies with the PEM handed out before the reload.
    expect(await verdict(await mintSessionToken(again, { userId: 'u' }), first.publicKeyPem)).toBe('ok');
  });

  it('gives concurrent first callers one and the same key', async () => {
    const pairs = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateKeyPair(join(dir, 'b'))));
    expect(new Set(pairs.map((p) => p.publicKeyPem)).size).toBe(1);
  });

  it('resolves a relative dir against the working directory', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const pair = await loadOrCreateKeyPair('rel/keys');
      expect(await readFile(join(dir, 'rel', 'keys', 'public.pem'), 'utf8')).toBe(pair.publicKeyPem);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('Backend API stand-in (real @clerk/backend client)', () => {
  it('serves getUser in the shape the client deserialises', async () => {
    const user = await api().users.getUser('user_ada');
    expect(user.id).toBe('user_ada');
    expect(user.firstName).toBe('Ada');
    expect(user.primaryEmailAddress?.emailAddress).toBe('ada@example.com');
    expect(user.emailAddresses).toHaveLength(1);
    expect(user.emailAddresses[0]).toMatchObject({ emailAddress: 'ada@example.com', verification: { status: 'verified' }, linkedTo: [] });
    expect(user.emailAddresses[0]?.id).toMatch(/^idn_/);
    expect(user.publicMetadata).toEqual({});
    expect(user.privateMetadata).toEqual({});
    expect(typeof user.createdAt).toBe('number');
    expect(clerk.log).toEqual([{ at: expect.any(Number), method: 'GET', path: '/v1/users/user_ada', status: 200 }]);
  });

  it('deep-merges metadata on updateUserMetadata (null removes a key) and reads it back', async () => {
    const updated = await api().users.updateUserMetadata('user_grace', {
      publicMetadata: { stripeCustomerId: 'cus_x', nested: { a: 1, b: 2 } },
      privateMetadata: { note: 'vip' },
    });
    expect(updated.publicMetadata).toEqual({ plan: 'pro', stripeCustomerId: 'cus_x', nested: { a: 1, b: 2 } });

    await api().users.updateUserMetadata('user_grace', { publicMetadata: { plan: null, nested: { a: null, c: [1] } } });
    const read = await api().users.getUser('user_grace');
    expect(read.publicMetadata).toEqual({ stripeCustomerId: 'cus_x', nested: { b: 2, c: [1] } });
    expect(read.privateMetadata).toEqual({ note: 'vip' });
    expect(clerk.users().find((u) => u.id === 'user_grace')?.publicMetadata).toEqual(read.publicMetadata);
    expect(clerk.log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'PATCH /v1/users/user_grace/metadata 200',
      'PATCH /v1/users/user_grace/metadata 200',
      'GET /v1/users/user_grace 200',
    ]);
  });

  it('replaces a metadata field wholesale on replaceUserMetadata, leaving omitted fields alone', async () => {
    clerk.addUser({ id: 'user_replace', email: 'r@example.com', publicMetadata: { a: 1, keep: { x: 1 } } });
    await api().users.updateUserMetadata('user_replace', { privateMetadata: { secret: 1 } });
    const user = await api().users.replaceUserMetadata('user_replace', { publicMetadata: { b: 2 } });
    expect(user.publicMetadata).toEqual({ b: 2 });
    expect(user.privateMetadata).toEqual({ secret: 1 });
  });

  it('refuses a wrong or missing secret key with a Clerk-shaped 401', async () => {
    expect(await apiError(api('sk_test_wrong').users.getUser('user_ada'))).toMatchObject({ status: 401, code: 'authentication_invalid' });
    const raw = await fetch(`${clerk.apiUrl}/v1/users/user_ada`);
    expect(raw.status).toBe(401);
    expect(raw.headers.get('content-type')).toBe('application/json');
    expect(await raw.json()).toMatchObject({ errors: [{ code: 'authentication_invalid', message: expect.any(String), long_message: expect.any(String) }] });
    expect(clerk.log.map((r) => r.status)).toEqual([401, 401]);
  });

  it('answers 404 resource_not_found for an unknown user, for reads and metadata updates', async () => {
    const read = await apiError(api().users.getUser('user_nobody'));
    expect(read).toMatchObject({ status: 404, code: 'resource_not_found' });
    expect(read.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(await apiError(api().users.updateUserMetadata('user_nobody', { publicMetadata: { a: 1 } }))).toMatchObject({ status: 404, code: 'resource_not_found' });
  });

  it('refuses metadata that is not an object, and unknown body parameters', async () => {
    const patch = (body: string) =>
      fetch(`${clerk.apiUrl}/v1/users/user_ada/metadata`, { method: 'PATCH', headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' }, body });
    const notObject = await patch('{"public_metadata":"x"}');
    expect(notObject.status).toBe(422);
    expect(await notObject.json()).toMatchObject({ errors: [{ code: 'form_param_format_invalid', meta: { param_name: 'public_metadata' } }] });
    // The real client snake_cases the top-level keys; a camelCase key means a client that would not work with Clerk.
    expect((await patch('{"publicMetadata":{}}')).status).toBe(422);
    expect((await patch(JSON.stringify({ public_metadata: { big: 'x'.repeat(9000) } }))).status).toBe(422);
    expect((await api().users.getUser('user_ada')).publicMetadata).toEqual({});
  });

  it('keeps added users, and refuses a duplicate id', async () => {
    clerk.addUser({ id: 'user_added', email: 'added@example.com' });
    expect((await api().users.getUser('user_added')).primaryEmailAddress?.emailAddress).toBe('added@example.com');
    expect(() => clerk.addUser({ id: 'user_added', email: 'again@example.com' })).toThrow(/already exists/);
    expect(clerk.users().map((u) => u.id)).toContain('user_added');
  });

  it('fails the next requests on demand: Clerk-shaped 500s, then dropped connections, then normal again', async () => {
    clerk.failNext(2, 'error500');
    clerk.failNext(1, 'drop');
    expect(await apiError(api().users.getUser('user_ada'))).toMatchObject({ status: 500, code: 'internal_clerk_error' });
    expect(await apiError(api().users.getUser('user_ada'))).toMatchObject({ status: 500 });
    // A dropped connection surfaces as the client's network-failure error (no HTTP status).
    expect(await apiError(api().users.getUser('user_ada'))).toMatchObject({ status: undefined, code: 'unexpected_error' });
    expect((await api().users.getUser('user_ada')).id).toBe('user_ada');
    expect(clerk.log.map((r) => r.status)).toEqual([500, 500, 0, 200]);
    expect(() => clerk.failNext(0, 'drop')).toThrow();
  });

  it('fails only the requests a fault names, leaving others alone', async () => {
    clerk.failNext(1, 'error500', { method: 'GET', path: '/v1/users/user_grace' });
    expect((await api().users.getUser('user_ada')).id).toBe('user_ada');
    expect(await apiError(api().users.getUser('user_grace'))).toMatchObject({ status: 500, code: 'internal_clerk_error' });
    expect((await api().users.getUser('user_grace')).id).toBe('user_grace');
  });
});

/** Set-Cookie lines by cookie name. */
function setCookies(response: Response): Map<string, string> {
  return new Map(response.headers.getSetCookie().map((line) => [line.slice(0, line.indexOf('=')), line]));
}
const cookieValue = (line: string | undefined) => line?.split(';')[0]?.split('=').slice(1).join('=');

async function signIn(userId: string, redirectUrl: string = `${APP}/dashboard`, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(clerk.signInUrl, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_id: userId, redirect_url: redirectUrl, ...extra }),
  });
}

function sessionFrom(response: Response): { token: string; clientUat: string; cookie: string } {
  const cookies = setCookies(response);
  const token = cookieValue(cookies.get('__session'))!;
  const clientUat = cookieValue(cookies.get('__client_uat'))!;
  return { token, clientUat, cookie: `__session=${token}; __client_uat=${clientUat}` };
}

describe('sign-in pages', () => {
  it('list the demo users as buttons of a form that posts back with the redirect URL', async () => {
    const response = await fetch(`${clerk.signInUrl}?redirect_url=${encodeURIComponent(`${APP}/pricing`)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<form method="post" action="\/sign-in"/);
    expect(html).toContain(`<input type="hidden" name="redirect_url" value="${APP}/pricing">`);
    for (const [id, email] of [['user_ada', 'ada@example.com'], ['user_grace', 'grace@example.com']]) {
      expect(html).toContain(`<button type="submit" name="user_id" value="${id}">`);
      expect(html).toContain(email);
    }
    expect(html).toContain('value="user_&lt;script&gt;"');
    expect(html).not.toContain('<script>');
    expect(html).toMatch(/role="note">Local stand-in for Clerk/);
    expect(clerk.log).toEqual([]);
  });

  it('sign a user in: both cookies, then a 303 to the app', async () => {
    const response = await signIn('user_ada');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${APP}/dashboard`);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const cookies = setCookies(response);
    for (const name of ['__session', '__client_uat']) {
      const line = cookies.get(name)!;
      expect(line).toMatch(/; Path=\/(;|$)/);
      expect(line).toMatch(/; SameSite=Lax(;|$)/);
      expect(line).not.toMatch(/Secure|Domain=/i);
    }
    const { token, clientUat } = sessionFrom(response);
    const claims = await verifyToken(token, { jwtKey: key.publicKeyPem });
    expect(claims).toMatchObject({ sub: 'user_ada', email: 'ada@example.com', azp: APP });
    expect(claims).not.toHaveProperty('stripe_customer_id');
    expect(clientUat).toBe(String(claims.iat));
    // Clerk's lifetime; the cookies outlive it by far, as clerk-js writes them.
    expect(claims.exp - claims.iat).toBe(60);
    expect(claims.sid).toMatch(/^sess_/);
    expect(cookies.get('__session')).toMatch(/; Max-Age=31536000;/);
    expect(cookies.get('__client')).toMatch(/^__client=client_\w+; Path=\/; Max-Age=31536000; HttpOnly; SameSite=Lax$/);
  });

  it('refuse a redirect_url off this machine and stay on the stand-in', async () => {
    for (const foreign of ['https://evil.example/steal', 'javascript:alert(1)', '//evil.example/', 'http://localhost.evil.example/']) {
      const response = await signIn('user_ada', foreign);
      expect(response.status).toBe(303);
      const location = new URL(response.headers.get('location')!);
      expect(location.origin).toBe(clerk.url);
      expect(location.pathname).toBe('/');
    }
    expect((await signIn('user_ada', 'http://127.0.0.1:4000/x')).headers.get('location')).toBe('http://127.0.0.1:4000/x');
    const page = await fetch(`${clerk.signInUrl}?redirect_url=${encodeURIComponent('https://evil.example/')}`);
    expect(await page.text()).toContain('role="alert"');
  });

  it('refuse an unknown user', async () => {
    const response = await signIn('user_nobody');
    expect(response.status).toBe(400);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('put stripe_customer_id (session-token template) in the token once the metadata has it', async () => {
    await api().users.updateUserMetadata('user_ada', { publicMetadata: { stripeCustomerId: 'cus_ada', appUserId: 'usr_ada' } });
    const { token } = sessionFrom(await signIn('user_ada'));
    const claims = await verifyToken(token, { jwtKey: key.publicKeyPem });
    expect(claims).toMatchObject({ sub: 'user_ada', email: 'ada@example.com', stripe_customer_id: 'cus_ada', app_user_id: 'usr_ada' });
  });

  it('show who is signed in on the status page', async () => {
    const { cookie } = sessionFrom(await signIn('user_grace'));
    const html = await (await fetch(`${clerk.url}/`, { headers: { cookie } })).text();
    expect(html).toContain('Signed in as <strong>Grace</strong>');
    expect(await (await fetch(`${clerk.url}/`)).text()).toContain('Not signed in.');
  });

  it('sign out: __session cleared, __client_uat=0, 303 to the (allowed) redirect', async () => {
    const response = await fetch(`${clerk.url}/sign-out?redirect_url=${encodeURIComponent(`${APP}/`)}`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${APP}/`);
    const cookies = setCookies(response);
    expect(cookies.get('__session')).toMatch(/^__session=; Path=\/; Max-Age=0;/);
    expect(cookieValue(cookies.get('__client_uat'))).toBe('0');
  });
});

// What clerkMiddleware does per request, with the options it needs offline:
//   createClerkClient({ secretKey, publishableKey: localPublishableKey(), jwtKey }).authenticateRequest(request, { jwtKey })
// - publishableKey must be a pk_live_ key (pk_test_ demands the __clerk_db_jwt dev-browser cookie) whose host equals
//   the token's `iss` host (clerk.localhost by default on both sides); else Clerk reads suffixed cookies and sees none.
// - jwtKey (the public PEM) keeps verification networkless; without it Clerk fetches JWKS from the Backend API.
// - secretKey may be any non-empty string: it is only asserted present when jwtKey is given.
// Nothing else (no apiUrl, no authorizedParties, no domain/proxyUrl) is needed.
describe('Clerk request authentication (authenticateRequest) with stand-in sessions', () => {
  const authenticate = (headers: Record<string, string>, publishableKey = localPublishableKey()) =>
    createClerkClient({ secretKey: SECRET, publishableKey, jwtKey: key.publicKeyPem }).authenticateRequest(
      new Request(`${APP}/api/x`, { headers }),
      { jwtKey: key.publicKeyPem },
    );

  it('signs in a request carrying the sign-in page cookies', async () => {
    clerk.addUser({ id: 'user_buyer', email: 'buyer@example.com', publicMetadata: { stripeCustomerId: 'cus_buyer' } });
    const { cookie } = sessionFrom(await signIn('user_buyer'));
    const state = await authenticate({ cookie });
    expect(state.status).toBe('signed-in');
    expect(state.isAuthenticated).toBe(true);
    const auth = state.toAuth();
    expect(auth?.userId).toBe('user_buyer');
    expect(auth?.sessionClaims).toMatchObject({ email: 'buyer@example.com', stripe_customer_id: 'cus_buyer' });
  });

  it('issues pending sessions (sts: pending) on request, which Clerk\'s toAuth() treats as signed out', async () => {
    const { cookie, token } = sessionFrom(await signIn('user_ada', `${APP}/dashboard`, { pending: '1' }));
    expect(decodeJwt(token).sts).toBe('pending');
    const state = await authenticate({ cookie });
    expect(state.toAuth()?.userId ?? null).toBeNull();
    expect(decodeJwt(sessionFrom(await signIn('user_ada')).token)).not.toHaveProperty('sts');
  });

  it('signs in a request with Authorization: Bearer <token>', async () => {
    const token = await mintSessionToken(key, { userId: 'user_ada', email: 'ada@example.com' });
    const state = await authenticate({ authorization: `Bearer ${token}` });
    expect(state.status).toBe('signed-in');
    expect(state.toAuth()?.userId).toBe('user_ada');
  });

  it('signs in the browser navigation that follows the 303, which carries no Referer', async () => {
    const { cookie } = sessionFrom(await signIn('user_ada'));
    const navigation = { cookie, 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' };
    expect((await authenticate(navigation)).status).toBe('signed-in');
    // Why the stand-in sends Referrer-Policy: no-referrer: with its origin as Referer, Clerk would want a handshake.
    expect((await authenticate({ ...navigation, referer: `${clerk.url}/sign-in` })).status).toBe('handshake');
  });

  it('is signed out after sign-out, with a bad token, or with an issuer that does not match the publishable key', async () => {
    expect((await authenticate({ cookie: '__client_uat=0' })).status).toBe('signed-out');
    const other = await createEphemeralKeyPair();
    const forged = await mintSessionToken(other, { userId: 'user_ada' });
    expect((await authenticate({ authorization: `Bearer ${forged}` })).status).toBe('signed-out');
    const expired = await mintSessionToken(key, { userId: 'user_ada', issuedAt: now() - 3600 });
    expect((await authenticate({ authorization: `Bearer ${expired}` })).isAuthenticated).toBe(false);

    const elsewhere = await mintSessionToken(key, { userId: 'user_ada', issuer: 'https://clerk.example.com', claims: { azp: APP } });
    const cookie = `__session=${elsewhere}; __client_uat=${decodeJwt(elsewhere).iat}`;
    expect((await authenticate({ cookie })).status).toBe('signed-out');
    expect((await authenticate({ cookie }, localPublishableKey('clerk.example.com'))).status).toBe('signed-in');
  });

  it('uses a publishable key Clerk accepts: pk_live_ + base64("<host>$")', () => {
    const pk = localPublishableKey();
    expect(pk).toMatch(/^pk_live_[A-Za-z0-9+/]+$/);
    expect(Buffer.from(pk.slice('pk_live_'.length), 'base64').toString()).toBe('clerk.localhost$');
    expect(() => localPublishableKey('localhost')).toThrow();
  });
});

// The handshake as clerkMiddleware runs it with `proxyUrl` = the stand-in: a document GET whose token expired is sent
// to the stand-in, which mints a fresh token for the same session and returns it in the format asked for.
describe('handshake (Frontend API) with @clerk/backend as the middleware runs it', () => {
  const client = () => createClerkClient({ secretKey: SECRET, publishableKey: localPublishableKey(), jwtKey: key.publicKeyPem, apiUrl: clerk.apiUrl });
  const authenticate = (path: string, headers: Record<string, string>, method = 'GET') =>
    client().authenticateRequest(new Request(`${APP}${path}`, { method, headers }), { jwtKey: key.publicKeyPem, proxyUrl: clerk.frontendApiUrl, authorizedParties: [APP] });
  const navigation = (cookie: string) => ({ cookie, accept: 'text/html', 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' });

  /** A signed-in browser whose token expired two minutes ago: the stand-in's cookies with the token backdated. */
  async function expiredBrowser(userId = 'user_ada') {
    const response = await signIn(userId, `${APP}/`);
    const cookies = setCookies(response);
    const fresh = await verifyToken(cookieValue(cookies.get('__session'))!, { jwtKey: key.publicKeyPem });
    const iat = now() - 120;
    const token = await mintSessionToken(key, { userId, sessionId: fresh.sid, issuedAt: iat, ttlSeconds: 60, claims: { azp: APP } });
    return { sid: fresh.sid, client: cookieValue(cookies.get('__client'))!, cookie: `__session=${token}; __client_uat=${iat}` };
  }

  /** Follows the middleware's redirect to the stand-in like a browser: the stand-in's own cookie goes with it. */
  async function followToStandIn(location: string, clientId?: string, format?: 'token') {
    const url = new URL(location);
    if (format === 'token') url.searchParams.delete('format');
    return fetch(url, { redirect: 'manual', headers: clientId ? { cookie: `__client=${clientId}` } : {} });
  }

  it('sends an expired document GET to the stand-in, which answers with a single-use nonce that signs the same session in', async () => {
    const browser = await expiredBrowser();
    const state = await authenticate('/?buy=price_x', navigation(browser.cookie));
    expect(state.status).toBe('handshake');
    const location = new URL(state.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(`${clerk.url}/v1/client/handshake`);
    expect(location.searchParams.get('redirect_url')).toBe(`${APP}/?buy=price_x`);
    expect(location.searchParams.get('format')).toBe('nonce');

    const back = await followToStandIn(location.href, browser.client);
    expect(back.status).toBe(307);
    expect(back.headers.get('location')).toBe(`${APP}/?buy=price_x`);
    const nonceCookie = setCookies(back).get('__clerk_handshake_nonce')!;
    expect(nonceCookie).toMatch(/; Path=\/; Max-Age=10; SameSite=Lax$/);
    const nonce = cookieValue(nonceCookie)!;

    const before = clerk.log.length;
    const returned = await authenticate('/?buy=price_x', navigation(`${browser.cookie}; __clerk_handshake_nonce=${nonce}`));
    expect(returned.status).toBe('signed-in');
    expect(clerk.log.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /v1/clients/handshake_payload 200']);
    const auth = returned.toAuth();
    expect(auth?.userId).toBe('user_ada');
    expect(auth?.sessionId).toBe(browser.sid);
    const set = returned.headers.getSetCookie();
    const token = cookieValue(set.find((c) => c.startsWith('__session=')))!;
    const claims = await verifyToken(token, { jwtKey: key.publicKeyPem });
    expect(claims.exp - claims.iat).toBe(60);
    expect(claims).toMatchObject({ sub: 'user_ada', sid: browser.sid, azp: APP, email: 'ada@example.com' });
    expect(set).toContain('__clerk_handshake_nonce=; Path=/; Max-Age=0; SameSite=Lax');

    // Used once: the same nonce again (a reload before the cookie went) gets nothing and is signed out, not looped.
    const replay = await authenticate('/?buy=price_x', navigation(`__clerk_handshake_nonce=${nonce}`));
    expect(replay.status).toBe('signed-out');
    expect(clerk.log.at(-1)).toMatchObject({ path: '/v1/clients/handshake_payload', status: 404 });
  });

  it('also answers in the signed __clerk_handshake cookie format, verified networkless with jwtKey', async () => {
    const browser = await expiredBrowser('user_grace');
    const state = await authenticate('/', navigation(browser.cookie));
    const back = await followToStandIn(state.headers.get('location')!, browser.client, 'token');
    const handshake = cookieValue(setCookies(back).get('__clerk_handshake'))!;
    expect(decodeProtectedHeader(handshake)).toMatchObject({ alg: 'RS256', kid: key.kid });
    const before = clerk.log.length;
    const returned = await authenticate('/', navigation(`${browser.cookie}; __clerk_handshake=${handshake}`));
    expect(returned.status).toBe('signed-in');
    expect(returned.toAuth()?.sessionId).toBe(browser.sid);
    expect(clerk.log.length).toBe(before);
  });

  it('signs out, never loops, when the client has no session, after sign-out, or without the client cookie', async () => {
    const browser = await expiredBrowser();
    const outcome = async (clientId: string | undefined) => {
      const state = await authenticate('/', navigation(browser.cookie));
      const back = await followToStandIn(state.headers.get('location')!, clientId);
      expect(back.status).toBe(307);
      const nonce = cookieValue(setCookies(back).get('__clerk_handshake_nonce'))!;
      const returned = await authenticate('/', navigation(`${browser.cookie}; __clerk_handshake_nonce=${nonce}`));
      return { status: returned.status, cookies: returned.headers.getSetCookie() };
    };
    clerk.failNextHandshake(1, 'no_session');
    const noSession = await outcome(browser.client);
    expect(noSession.status).toBe('signed-out');
    expect(noSession.cookies).toContain('__client_uat=0; Path=/; Max-Age=31536000; SameSite=Lax');
    expect((await outcome(undefined)).status).toBe('signed-out');
    await fetch(clerk.signOutUrl, { redirect: 'manual', headers: { cookie: `__client=${browser.client}` } });
    expect((await outcome(browser.client)).status).toBe('signed-out');
  });

  it('ends a session revoked through the Backend API (the app’s sign-out): the next handshake signs out', async () => {
    const browser = await expiredBrowser();
    const revoked = await client().sessions.revokeSession(browser.sid);
    expect(revoked).toMatchObject({ id: browser.sid, userId: 'user_ada', status: 'revoked' });
    const state = await authenticate('/', navigation(browser.cookie));
    const back = await followToStandIn(state.headers.get('location')!, browser.client);
    const nonce = cookieValue(setCookies(back).get('__clerk_handshake_nonce'))!;
    expect((await authenticate('/', navigation(`${browser.cookie}; __clerk_handshake_nonce=${nonce}`))).status).toBe('signed-out');
    expect((await apiError(client().sessions.revokeSession(browser.sid))).status).toBe(404);
  });

  it('mints tokens with the lifetime set at run time', async () => {
    clerk.setSessionTtlSeconds(7);
    try {
      const { token } = sessionFrom(await signIn('user_ada'));
      const claims = await verifyToken(token, { jwtKey: key.publicKeyPem });
      expect(claims.exp - claims.iat).toBe(7);
    } finally {
      clerk.setSessionTtlSeconds(60);
    }
    expect(() => clerk.setSessionTtlSeconds(0)).toThrow();
  });

  it('answers a 500 page when told to fail, and refuses a redirect_url off this machine', async () => {
    const browser = await expiredBrowser();
    const state = await authenticate('/', navigation(browser.cookie));
    clerk.failNextHandshake(1, 'error500');
    const failed = await followToStandIn(state.headers.get('location')!, browser.client);
    expect(failed.status).toBe(500);
    expect(failed.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(failed.headers.getSetCookie()).toEqual([]);
    expect((await followToStandIn(state.headers.get('location')!, browser.client)).status).toBe(307);
    const foreign = await fetch(`${clerk.url}/v1/client/handshake?redirect_url=${encodeURIComponent('https://evil.example/')}`, { redirect: 'manual' });
    expect(foreign.status).toBe(400);
    expect(clerk.handshakeLog.map((h) => h.outcome)).toEqual(['error500', 'signed_in', 'bad_redirect']);
  });

  it('leaves a POST with an expired token signed out: Clerk refreshes only on document GETs', async () => {
    const browser = await expiredBrowser();
    const state = await authenticate('/api/billing/checkout', { ...navigation(browser.cookie), 'content-type': 'application/x-www-form-urlencoded' }, 'POST');
    expect(state.status).toBe('signed-out');
    expect(state.reason).toBe('session-token-expired-refresh-non-eligible-non-get');
    expect(clerk.handshakeLog).toEqual([]);
  });

  it('refuses a token whose azp names another origin when authorizedParties is set', async () => {
    const token = await mintSessionToken(key, { userId: 'user_ada', claims: { azp: 'https://other.example' } });
    expect((await authenticate('/', { authorization: `Bearer ${token}` })).status).toBe('signed-out');
  });
});

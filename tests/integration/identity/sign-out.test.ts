// POST /sign-out's core with the real Clerk client against the stand-in: the session named by the cookie's token is
// revoked even when that token expired ten minutes ago, every Clerk cookie is cleared (suffixed and domain-wide ones
// too), the stand-in's next handshake signs the browser out; a cross-site or GET request revokes nothing.
import { describe, expect, it } from 'vitest';
import { handleSignOut, type SignOutDeps } from '@/lib/identity/handle-sign-out';
import type { LogLine } from '@/lib/http/request-context';
import { newClerkUserId, servicesFromStack, stack } from '../../support/stack';

const cookieValue = (setCookies: string[], name: string) => setCookies.find((c) => c.startsWith(`${name}=`))?.split(';')[0]!.slice(name.length + 1);

async function signedInBrowser() {
  const userId = newClerkUserId('signout');
  await stack.clerk('addUser', { id: userId, email: `${userId}@example.com` });
  const env = await stack.env();
  const response = await fetch(env.NEXT_PUBLIC_SIGN_IN_URL!, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_id: userId, redirect_url: `${env.NEXT_PUBLIC_APP_URL}/` }),
  });
  const token = cookieValue(response.headers.getSetCookie(), '__session')!;
  const client = cookieValue(response.headers.getSetCookie(), '__client')!;
  const sid = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
  return { userId, sid, client, env };
}

const revokes = async (sid: string) => (await stack.clerk<{ method: string; path: string; status: number }[]>('log')).filter((r) => r.path === `/v1/sessions/${sid}/revoke`);

/** The cookie directives the stand-in's handshake would hand this browser client now. */
async function handshakeDirectives(env: Record<string, string>, client: string): Promise<string[]> {
  const url = new URL('/v1/client/handshake', env.CLERK_LOCAL_PROXY_URL);
  url.searchParams.set('redirect_url', `${env.NEXT_PUBLIC_APP_URL}/`);
  const response = await fetch(url, { redirect: 'manual', headers: { cookie: `__client=${client}` } });
  const jwt = cookieValue(response.headers.getSetCookie(), '__clerk_handshake')!;
  return (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { handshake: string[] }).handshake;
}

describe('handleSignOut (core)', () => {
  it('revokes the session of a token that expired 10 minutes ago, clears the cookies, and the next handshake signs out', async () => {
    const services = await servicesFromStack();
    const { userId, sid, client, env } = await signedInBrowser();
    const origin = new URL(services.appUrl).origin;
    // The page's token, 10 minutes after it was minted: expired 9 minutes ago, signature intact.
    const stale = await stack.mintToken({ userId, sessionId: sid, issuedAt: Math.floor(Date.now() / 1000) - 600, ttlSeconds: 60, claims: { azp: origin } });
    const logs: LogLine[] = [];
    const deps: SignOutDeps = { sessionIds: services.sessionIdsToRevoke, revokeSession: (id) => services.clerk.revokeSession(id), appUrl: services.appUrl, log: (l) => void logs.push(l) };
    const at = (init: RequestInit) => handleSignOut(new Request(`${services.appUrl}/sign-out`, init), deps);
    const cookie = `__session=${stale}; __client_uat=${Math.floor(Date.now() / 1000) - 700}`;

    expect((await handshakeDirectives(env, client)).some((d) => /^__session=ey/.test(d))).toBe(true);
    for (const init of [{ method: 'GET', headers: { cookie } }, { method: 'POST', headers: { origin: 'https://evil.example', cookie } }] as RequestInit[]) {
      const refused = await at(init);
      expect(refused.status).toBe(303);
      expect(refused.headers.getSetCookie()).toEqual([]);
    }
    expect(await revokes(sid)).toEqual([]);

    const response = await at({ method: 'POST', headers: { origin, cookie } });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${origin}/`);
    expect(response.headers.getSetCookie()).toEqual(['__session=; Path=/; Max-Age=0; SameSite=Lax', '__client_uat=0; Path=/; Max-Age=31536000; SameSite=Lax']);
    expect((await revokes(sid)).map((r) => r.status)).toEqual([200]);
    // Revoked at Clerk: the handshake no longer brings the session back, so "Sign in" has to ask again.
    const after = await handshakeDirectives(env, client);
    expect(after).toContain('__session=; Path=/; Max-Age=0; SameSite=Lax');
    expect(after.some((d) => /^__session=ey/.test(d))).toBe(false);

    // Clerk failing (the session is already gone: 404): the cookies are still cleared, the failure logged.
    const again = await at({ method: 'POST', headers: { cookie } });
    expect(again.headers.getSetCookie()).toHaveLength(2);
    expect(logs.at(-1)).toMatchObject({ route: 'sign-out', outcome: 'revoke_failed' });
  });

  it('a forged or foreign token revokes nothing; the cookies still go', async () => {
    const services = await servicesFromStack();
    const { userId, sid } = await signedInBrowser();
    const foreign = await stack.mintToken({ userId, sessionId: sid, claims: { azp: 'https://other.example' } });
    const [h, p] = foreign.split('.');
    const before = (await revokes(sid)).length;
    for (const token of [foreign, `${h}.${p}.c2ln`]) {
      const response = await handleSignOut(new Request(`${services.appUrl}/sign-out`, { method: 'POST', headers: { cookie: `__session=${token}` } }), {
        sessionIds: services.sessionIdsToRevoke, revokeSession: (id) => services.clerk.revokeSession(id), appUrl: services.appUrl, log: () => {},
      });
      expect(response.headers.getSetCookie()).toHaveLength(2);
    }
    expect((await revokes(sid)).length).toBe(before);
  });

  it('clears suffixed and domain-wide Clerk cookies: each name, host-only and on every parent domain', async () => {
    const request = new Request('https://shop.example.com/sign-out', {
      method: 'POST',
      headers: { cookie: '__session_Abc123=x; __client_uat_Abc123=1700000000; __clerk_db_jwt=y; theme=dark; __session=z' },
    });
    const response = await handleSignOut(request, { sessionIds: () => Promise.resolve([]), revokeSession: () => Promise.resolve(), appUrl: 'https://shop.example.com', log: () => {} });
    const expected = (line: string) => ['', '; Domain=shop.example.com', '; Domain=example.com'].map((scope) => `${line}${scope}; SameSite=Lax`);
    expect(response.headers.getSetCookie()).toEqual([
      ...expected('__session=; Path=/; Max-Age=0'),
      ...expected('__client_uat=0; Path=/; Max-Age=31536000'),
      ...expected('__session_Abc123=; Path=/; Max-Age=0'),
      ...expected('__client_uat_Abc123=0; Path=/; Max-Age=31536000'),
      ...expected('__clerk_db_jwt=; Path=/; Max-Age=0'),
    ]);
  });
});

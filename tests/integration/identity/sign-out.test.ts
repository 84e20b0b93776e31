// POST /sign-out's core with the real Clerk client against the stand-in: the session is revoked once, the cookies
// cleared; a cross-site or GET request revokes nothing.
import { describe, expect, it } from 'vitest';
import { handleSignOut, type SignOutDeps } from '@/lib/identity/handle-sign-out';
import type { LogLine } from '@/lib/http/request-context';
import { newClerkUserId, servicesFromStack, stack } from '../../support/stack';

async function signedInSession() {
  const userId = newClerkUserId('signout');
  await stack.clerk('addUser', { id: userId, email: `${userId}@example.com` });
  const env = await stack.env();
  const response = await fetch(env.NEXT_PUBLIC_SIGN_IN_URL!, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_id: userId, redirect_url: `${env.NEXT_PUBLIC_APP_URL}/` }),
  });
  const token = response.headers.getSetCookie().find((c) => c.startsWith('__session='))!.split(';')[0]!.slice('__session='.length);
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
}

const revokes = async (sid: string) => (await stack.clerk<{ method: string; path: string; status: number }[]>('log')).filter((r) => r.path === `/v1/sessions/${sid}/revoke`);

describe('handleSignOut (core)', () => {
  it('revokes the session at Clerk, clears the cookies and goes home; cross-site and GET requests revoke nothing', async () => {
    const services = await servicesFromStack();
    const sid = await signedInSession();
    const logs: LogLine[] = [];
    const deps: SignOutDeps = { sessionId: () => Promise.resolve(sid), revokeSession: (id) => services.clerk.revokeSession(id), appUrl: services.appUrl, log: (l) => void logs.push(l) };
    const at = (init: RequestInit) => handleSignOut(new Request(`${services.appUrl}/sign-out`, init), deps);

    for (const init of [{ method: 'GET' }, { method: 'POST', headers: { origin: 'https://evil.example' } }]) {
      const refused = await at(init);
      expect(refused.status).toBe(303);
      expect(refused.headers.getSetCookie()).toEqual([]);
    }
    expect(await revokes(sid)).toEqual([]);

    const response = await at({ method: 'POST', headers: { origin: new URL(services.appUrl).origin } });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${new URL(services.appUrl).origin}/`);
    expect(response.headers.getSetCookie()).toEqual(['__session=; Path=/; Max-Age=0; SameSite=Lax', '__client_uat=0; Path=/; Max-Age=31536000; SameSite=Lax']);
    expect((await revokes(sid)).map((r) => r.status)).toEqual([200]);

    // Clerk failing (the session is already gone: 404): the cookies are still cleared, the failure logged.
    const again = await at({ method: 'POST' });
    expect(again.headers.getSetCookie()).toHaveLength(2);
    expect(logs.at(-1)).toMatchObject({ route: 'sign-out', outcome: 'revoke_failed' });
  });
});

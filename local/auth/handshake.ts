// The Frontend API's handshake, GET /v1/client/handshake: where clerkMiddleware (given `proxyUrl`) sends a document
// GET whose token expired. It mints a fresh token for the client's active session and 307s back to `redirect_url`
// with the cookies in one of the two formats @clerk/backend 3.x resolves (HandshakeService.getCookiesFromHandshake):
//   format=nonce (what the middleware asks for): a `__clerk_handshake_nonce` cookie, redeemed once at the Backend API
//     `GET /v1/clients/handshake_payload?nonce=` → {"directives": [set-cookie strings]};
//   otherwise: a `__clerk_handshake` cookie holding an RS256 JWT `{handshake: [set-cookie strings]}` signed with the
//     instance key (verified networkless with jwtKey).
// No active session → directives that sign the app out; an injected fault → a 500 page, as an outage of Clerk's FAPI.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import { parseCookies, sendHtml } from './http';
import type { LocalKeyPair } from './keys';
import { renderErrorPage } from './pages';
import { allowedRedirect } from './redirects';
import { appCookie, HANDSHAKE_COOKIE_MAX_AGE, type SessionStore } from './sessions';

export type HandshakeFaultKind = 'error500' | 'no_session';

export interface HandshakeContext {
  sessions: SessionStore;
  key: LocalKeyPair;
  /** Consumed one per handshake, in order. */
  faults: HandshakeFaultKind[];
  log: { at: number; format: string; outcome: 'signed_in' | 'signed_out' | 'error500' | 'bad_redirect' }[];
}

export const CLIENT_COOKIE = '__client';
// Clerk keeps it on the Frontend API's host; here the app on another port of localhost receives it too (cookies
// ignore ports), which is harmless: the app never reads it.
export const clientCookie = (clientId: string, maxAge = 365 * 24 * 3600) => `${CLIENT_COOKIE}=${clientId}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax`;

// Whatever the format, the redeemed directives also drop the handshake cookies, so a later request does not try to
// resolve the same handshake again.
const CLEAR_HANDSHAKE = [appCookie('__clerk_handshake', '', 0), appCookie('__clerk_handshake_nonce', '', 0)];

function signHandshake(key: LocalKeyPair, directives: string[]): Promise<string> {
  return new SignJWT({ handshake: directives })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuedAt()
    .sign(key.privateKey);
}

export async function handleHandshake(ctx: HandshakeContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const format = url.searchParams.get('format') === 'nonce' ? 'nonce' : 'token';
  const target = allowedRedirect(url.searchParams.get('redirect_url'));
  const record = (outcome: HandshakeContext['log'][number]['outcome']) => ctx.log.push({ at: Date.now(), format, outcome });
  if (!target) {
    record('bad_redirect');
    return sendHtml(res, 400, renderErrorPage('Invalid redirect', 'The handshake needs a redirect_url on this machine.'));
  }
  const fault = ctx.faults.shift();
  if (fault === 'error500') {
    record('error500');
    return sendHtml(res, 500, renderErrorPage('Clerk is unavailable', 'The session could not be refreshed (injected fault).'));
  }
  const session = fault === 'no_session' ? null : ctx.sessions.active(parseCookies(req).get(CLIENT_COOKIE));
  const directives = [...(await ctx.sessions.directives(session, target.origin)), ...CLEAR_HANDSHAKE];
  const carrier =
    format === 'nonce'
      ? appCookie('__clerk_handshake_nonce', ctx.sessions.issueNonce(directives), HANDSHAKE_COOKIE_MAX_AGE)
      : appCookie('__clerk_handshake', await signHandshake(ctx.key, directives), HANDSHAKE_COOKIE_MAX_AGE);
  record(session ? 'signed_in' : 'signed_out');
  res.writeHead(307, { location: target.href, 'cache-control': 'no-store', 'content-length': 0, 'set-cookie': [carrier] });
  res.end();
}

// The browser side of the stand-in: GET/POST /sign-in, GET /sign-out and a status page at /. Signing in mints a
// session token and sets it as Clerk's cookies; browsers share cookies across the ports of one host, so the app on
// another localhost port receives them.
//
// Every response here carries `Referrer-Policy: no-referrer`. After the 303 the browser's GET to the app would
// otherwise carry this page's origin as Referer; for a production (pk_live_) instance @clerk/backend treats a
// document request with a cross-origin Referer that is not Clerk's own host as a satellite sync and answers with a
// handshake redirect to the (unreachable) frontend API instead of signing the request in.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { importSPKI, jwtVerify } from 'jose';
import { BodyTooLargeError, parseCookies, readBody, redirect303, sendHtml } from './http';
import type { LocalKeyPair } from './keys';
import { renderErrorPage, renderSignInPage, renderStatusPage } from './pages';
import { allowedRedirect } from './redirects';
import { CLIENT_COOKIE, clientCookie } from './handshake';
import type { SessionStore } from './sessions';
import type { UserDirectory } from './users';

export interface SignInContext {
  users: UserDirectory;
  key: LocalKeyPair;
  sessions: SessionStore;
  baseUrl(): string;
}

const NO_REFERRER = { 'referrer-policy': 'no-referrer' };

function html(res: ServerResponse, status: number, page: string, headers: Record<string, string | string[]> = {}) {
  sendHtml(res, status, page, { ...NO_REFERRER, ...headers });
}

/** The allowed redirect, or the status page (noting what was refused, so a wrong redirect_url is not a mystery). */
function destination(ctx: SignInContext, requested: string | null): string {
  const allowed = allowedRedirect(requested);
  if (allowed) return allowed.href;
  const home = new URL('/', ctx.baseUrl());
  if (requested) home.searchParams.set('refused_redirect', requested);
  return home.href;
}

async function signIn(ctx: SignInContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let form: URLSearchParams;
  try {
    form = new URLSearchParams(await readBody(req, 16 * 1024));
  } catch (err) {
    if (err instanceof BodyTooLargeError) return html(res, 413, renderErrorPage('Request too large', err.message));
    throw err;
  }
  const userId = form.get('user_id');
  const user = userId ? ctx.users.get(userId) : undefined;
  if (!user) {
    return html(res, 400, renderErrorPage('Unknown user', userId ? `There is no demo user ${userId}.` : 'Choose a user to sign in as.'));
  }
  const target = destination(ctx, form.get('redirect_url'));
  // `pending=1` (tests only; the page has no such field): a session with unfinished tasks, as after a forced-MFA sign-up.
  const { clientId, session } = ctx.sessions.signIn(parseCookies(req).get(CLIENT_COOKIE), user.id, form.get('pending') === '1');
  // azp: the origin the session is used from, as Clerk sets it; @clerk/backend warns about cookie tokens without it.
  const directives = await ctx.sessions.directives(session, new URL(target).origin);
  redirect303(res, target, { ...NO_REFERRER, 'set-cookie': [...directives, clientCookie(clientId)] });
}

let cachedVerifyKey: { pem: string; key: Promise<CryptoKey> } | undefined;

async function sessionUserId(ctx: SignInContext, req: IncomingMessage): Promise<string | null> {
  const token = parseCookies(req).get('__session');
  if (!token) return null;
  if (cachedVerifyKey?.pem !== ctx.key.publicKeyPem) cachedVerifyKey = { pem: ctx.key.publicKeyPem, key: importSPKI(ctx.key.publicKeyPem, 'RS256') };
  try {
    const { payload } = await jwtVerify(token, await cachedVerifyKey.key, { algorithms: ['RS256'] });
    return payload.sub ?? null;
  } catch {
    return null;
  }
}

/** Handles the browser routes; false when the path is not one of them. */
export async function handleSignIn(ctx: SignInContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const method = (req.method ?? 'GET').toUpperCase();
  switch (url.pathname) {
    case '/sign-in':
      if (method === 'POST') {
        await signIn(ctx, req, res);
      } else if (method === 'GET') {
        const requested = url.searchParams.get('redirect_url');
        html(res, 200, renderSignInPage({ users: ctx.users.list(), redirectUrl: requested, redirectRefused: !!requested && !allowedRedirect(requested) }));
      } else {
        html(res, 405, renderErrorPage('Method not allowed', `${method} /sign-in`), { allow: 'GET, POST' });
      }
      return true;
    case '/sign-out':
      if (method !== 'GET' && method !== 'POST') {
        html(res, 405, renderErrorPage('Method not allowed', `${method} /sign-out`), { allow: 'GET, POST' });
        return true;
      }
      ctx.sessions.signOut(parseCookies(req).get(CLIENT_COOKIE));
      redirect303(res, destination(ctx, url.searchParams.get('redirect_url')), {
        ...NO_REFERRER,
        // __client_uat=0 is how Clerk records "this browser signed out", rather than just dropping the cookie.
        'set-cookie': await ctx.sessions.directives(null, ''),
      });
      return true;
    case '/': {
      if (method !== 'GET') return false;
      const userId = await sessionUserId(ctx, req);
      const signedInAs = (userId && ctx.users.get(userId)) || null;
      html(res, 200, renderStatusPage({ signedInAs, userId, refusedRedirect: url.searchParams.get('refused_redirect') }));
      return true;
    }
    default:
      return false;
  }
}

// The stand-in's Frontend API state: browser clients (the `__client` cookie on the stand-in), their one active
// session each (a stable `sess_…` id across token refreshes), the minting of that session's short-lived tokens and
// the single-use handshake nonces the Backend API redeems.
import { randomBytes } from 'node:crypto';
import { entries, refill } from '../persisted-state';
import type { LocalKeyPair } from './keys';
import { templateClaims } from './session-template';
import { clerkId, mintSessionToken } from './tokens';
import type { UserDirectory } from './users';

export interface ActiveSession {
  sessionId: string;
  userId: string;
  /** A session with unfinished tasks: its tokens carry `sts: 'pending'`. */
  pending?: boolean;
}

// Like clerk-js: both cookies are kept for a year, so `__session` outlives the token in it and an expired token is
// what a browser sends after a minute of reading, not a missing cookie.
export const BROWSER_COOKIE_MAX_AGE = 365 * 24 * 3600;
// A nonce cookie nothing redeems (the app was down, the Backend API failed) must not linger: @clerk/backend retries
// an unknown nonce on every request and is signed out each time.
export const HANDSHAKE_COOKIE_MAX_AGE = 10;

/** Not HttpOnly and not Secure, like the cookies clerk-js writes on an http://localhost app. */
export const appCookie = (name: string, value: string, maxAge: number) => `${name}=${value}; Path=/; Max-Age=${maxAge}; SameSite=Lax`;

export class SessionStore {
  private readonly clients = new Map<string, ActiveSession | null>();
  private readonly nonces = new Map<string, { directives: string[]; expiresAt: number }>();

  constructor(
    private readonly users: UserDirectory,
    private readonly key: LocalKeyPair,
    public ttlSeconds: number,
  ) {}

  /** Which browser client holds which session, as JSON and back (`npm run local` persists them). */
  snapshot(): [string, ActiveSession | null][] {
    return entries(this.clients);
  }

  restore(clients: [string, ActiveSession | null][]): void {
    refill(this.clients, clients);
  }

  /** Starts a session for the user on this client (a new client when the cookie is missing or unknown). */
  signIn(clientId: string | undefined, userId: string, pending = false): { clientId: string; session: ActiveSession } {
    const id = clientId && this.clients.has(clientId) ? clientId : clerkId('client');
    const session: ActiveSession = { sessionId: clerkId('sess'), userId, ...(pending && { pending }) };
    this.clients.set(id, session);
    this.users.recordSignIn(userId);
    return { clientId: id, session };
  }

  signOut(clientId: string | undefined): void {
    if (clientId && this.clients.has(clientId)) this.clients.set(clientId, null);
  }

  /** Ends the session wherever it is active (Backend API `revokeSession`); null when no client holds it. */
  revoke(sessionId: string): ActiveSession | null {
    for (const [clientId, session] of this.clients) {
      if (session?.sessionId === sessionId) {
        this.clients.set(clientId, null);
        return session;
      }
    }
    return null;
  }

  active(clientId: string | undefined): ActiveSession | null {
    return (clientId && this.clients.get(clientId)) || null;
  }

  /** A fresh token for the session, with the template claims as they are now and `azp` = the app's origin. */
  async mint(session: ActiveSession, azp: string): Promise<{ token: string; issuedAt: number }> {
    const user = this.users.get(session.userId);
    const issuedAt = Math.floor(Date.now() / 1000);
    const token = await mintSessionToken(this.key, {
      userId: session.userId,
      sessionId: session.sessionId,
      issuedAt,
      ttlSeconds: this.ttlSeconds,
      ...(session.pending && { sessionStatus: 'pending' as const }),
      claims: { ...(user && templateClaims(user)), azp },
    });
    return { token, issuedAt };
  }

  /** Cookie directives that sign the app in with a fresh token, or out when there is no session. */
  async directives(session: ActiveSession | null, azp: string): Promise<string[]> {
    if (!session) return [appCookie('__session', '', 0), appCookie('__client_uat', '0', BROWSER_COOKIE_MAX_AGE)];
    const { token, issuedAt } = await this.mint(session, azp);
    // __client_uat must not be later than the token's iat, or Clerk considers the token stale and wants a refresh.
    return [appCookie('__session', token, BROWSER_COOKIE_MAX_AGE), appCookie('__client_uat', String(issuedAt), BROWSER_COOKIE_MAX_AGE)];
  }

  issueNonce(directives: string[]): string {
    const nonce = randomBytes(24).toString('base64url');
    this.nonces.set(nonce, { directives, expiresAt: Date.now() + HANDSHAKE_COOKIE_MAX_AGE * 1000 });
    return nonce;
  }

  /** The directives stored under the nonce, once: a replayed or expired nonce gets nothing. */
  redeemNonce(nonce: string): string[] | undefined {
    const entry = this.nonces.get(nonce);
    this.nonces.delete(nonce);
    return entry && entry.expiresAt > Date.now() ? entry.directives : undefined;
  }
}

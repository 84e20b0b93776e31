// startClerkStandIn: one local HTTP server that plays Clerk for the app — the Backend API slice under /v1 (for
// CLERK_API_URL), the Frontend API's handshake (for clerkMiddleware's proxyUrl) and the hosted sign-in / sign-out
// pages — plus the controls tests use (logs, faults, users).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { persistState, readState } from '../persisted-state';
import { handleBackendApi, type ClerkApiRecord } from './backend-api';
import { FaultQueue, type ClerkFaultKind } from './faults';
import { handleHandshake, type HandshakeContext, type HandshakeFaultKind } from './handshake';
import type { LocalKeyPair } from './keys';
import { SessionStore, type ActiveSession } from './sessions';
import { handleSignIn } from './sign-in';
import { UserDirectory, type DemoUser, type UserRecord } from './users';

export { localPublishableKey } from './publishable-key';
export type { ClerkApiRecord } from './backend-api';
export type { DemoUser } from './users';

export interface ClerkStandInOptions {
  port?: number;
  /** Interface to listen on; default 127.0.0.1 (and ::1 on the same port when available). */
  host?: string;
  key: LocalKeyPair;
  secretKey: string;
  users: DemoUser[];
  /** Lifetime of session tokens (sign-in and handshake); default 60 s, as Clerk's. */
  sessionTtlSeconds?: number;
  /** Keep users and sessions in this JSON file: read at start, written on change (npm run local). */
  stateFile?: string;
}

export interface ClerkStandIn {
  /** http://localhost:PORT */
  url: string;
  /** For CLERK_API_URL: @clerk/backend requests `${apiUrl}/v1/users/…`. */
  apiUrl: string;
  /** `${url}/sign-in` */
  signInUrl: string;
  /** `${url}/sign-out` */
  signOutUrl: string;
  /** For clerkMiddleware's `proxyUrl`: where the handshake (`/v1/client/handshake`) goes. */
  frontendApiUrl: string;
  /** The lifetime of tokens minted from now on (a browser test shortens it to wait past a token's expiry). */
  setSessionTtlSeconds(seconds: number): void;
  log: ClerkApiRecord[];
  handshakeLog: HandshakeContext['log'];
  clearLog(): void;
  /** Current state, metadata updates included. */
  users(): DemoUser[];
  addUser(user: DemoUser): void;
  /** The next `count` Backend API requests fail: a Clerk-shaped 500, or a connection dropped without a response. */
  failNext(count: number, kind: ClerkFaultKind, only?: { method?: string; path?: string }): void;
  /** The next `count` handshakes fail: a 500 page (Clerk's FAPI down), or as if the client had no session. */
  failNextHandshake(count: number, kind: HandshakeFaultKind): void;
  stop(): Promise<void>;
}

const DEFAULT_SESSION_TTL_SECONDS = 60;

interface ClerkState { users: [string, UserRecord][]; clients: [string, ActiveSession | null][] }

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (typeof address === 'object' && address) resolve(address.port);
      else reject(new Error('clerk stand-in: no port'));
    });
  });
}

function close(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    // Keep-alive connections (and requests stalled by a client) would otherwise hold close() open.
    for (const socket of sockets) socket.destroy();
  });
}

export async function startClerkStandIn(options: ClerkStandInOptions): Promise<ClerkStandIn> {
  if (!options.secretKey) throw new Error('startClerkStandIn: secretKey is required');
  if (!options.key?.privateKey || !options.key.publicKeyPem) throw new Error('startClerkStandIn: key is required');
  const checkTtl = (seconds: number) => {
    if (!Number.isInteger(seconds) || seconds <= 0) throw new Error(`clerk stand-in: sessionTtlSeconds must be a positive integer, got ${seconds}`);
    return seconds;
  };
  const sessionTtlSeconds = checkTtl(options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS);

  const users = new UserDirectory(options.users ?? []);
  const faults = new FaultQueue();
  const log: ClerkApiRecord[] = [];
  let url = '';
  const sessions = new SessionStore(users, options.key, sessionTtlSeconds);
  const persisted = options.stateFile ? readState<ClerkState>(options.stateFile) : undefined;
  if (persisted) {
    users.restore(persisted.users);
    sessions.restore(persisted.clients);
  }
  const persistence = options.stateFile ? persistState(options.stateFile, (): ClerkState => ({ users: users.snapshot(), clients: sessions.snapshot() })) : undefined;
  const handshake: HandshakeContext = { sessions, key: options.key, faults: [], log: [] };
  const backend = { secretKey: options.secretKey, users, sessions, faults, log, key: options.key };
  const browser = { users, key: options.key, sessions, baseUrl: () => url };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (requestUrl.pathname === '/v1/client/handshake' && req.method === 'GET') return await handleHandshake(handshake, req, res, requestUrl);
      if (requestUrl.pathname.startsWith('/v1/')) return await handleBackendApi(backend, req, res, requestUrl);
      if (await handleSignIn(browser, req, res, requestUrl)) return;
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
    } catch (err) {
      console.error('[clerk-stand-in] unexpected error', err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal error\n');
    }
  }

  const servers: { server: Server; sockets: Set<Socket> }[] = [];
  const serve = async (port: number, host: string) => {
    const entry = { server: createServer((req, res) => void handle(req, res)), sockets: new Set<Socket>() };
    entry.server.on('connection', (socket) => {
      entry.sockets.add(socket);
      socket.on('close', () => entry.sockets.delete(socket));
    });
    const bound = await listen(entry.server, port, host);
    servers.push(entry);
    return bound;
  };

  const port = await serve(options.port ?? 0, options.host ?? '127.0.0.1');
  // URLs say `localhost`, which may resolve to ::1 first (browsers, some Node setups); answer there too when we can.
  if (options.host === undefined) await serve(port, '::1').catch(() => undefined);
  url = `http://localhost:${port}`;

  let stopped: Promise<void> | undefined;
  return {
    url,
    apiUrl: url,
    signInUrl: `${url}/sign-in`,
    signOutUrl: `${url}/sign-out`,
    frontendApiUrl: url,
    setSessionTtlSeconds: (seconds) => {
      sessions.ttlSeconds = checkTtl(seconds);
    },
    log,
    handshakeLog: handshake.log,
    // In place, so references to `standIn.log` taken earlier stay live.
    clearLog: () => {
      log.length = 0;
      handshake.log.length = 0;
    },
    users: () => users.list(),
    addUser: (user) => users.add(user),
    failNext: (count, kind, only) => faults.add(count, kind, only),
    failNextHandshake: (count, kind) => {
      if (!Number.isInteger(count) || count < 1) throw new Error(`failNextHandshake: count must be a positive integer, got ${count}`);
      if (kind !== 'error500' && kind !== 'no_session') throw new Error(`failNextHandshake: unknown kind ${String(kind)}`);
      for (let i = 0; i < count; i++) handshake.faults.push(kind);
    },
    stop: () => (stopped ??= Promise.all(servers.map((s) => close(s.server, s.sockets))).then(() => persistence?.stop())),
  };
}

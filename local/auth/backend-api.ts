// The slice of Clerk's Backend API the app uses, under /v1: read a user, update (merge) or replace its metadata,
// revoke a session, redeem a handshake nonce, and the instance's JWKS (which `npm run check:env -- --live` compares with
// CLERK_JWT_KEY). Bearer-secret auth, Clerk-shaped errors, a request log and injected faults, so the real
// @clerk/backend client (pointed here by CLERK_API_URL) behaves as it would against api.clerk.com.
import { createPublicKey, randomBytes } from 'node:crypto';
import { FAULT_MARKER } from '../fault-marker';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultQueue } from './faults';
import { BodyTooLargeError, header, readBody, sendJson } from './http';
import type { SessionStore } from './sessions';
import { isPlainObject, METADATA_FIELDS, type MetadataField, type UserDirectory } from './users';

export interface ClerkApiRecord {
  at: number;
  method: string;
  path: string;
  status: number;
}

export interface BackendApiContext {
  secretKey: string;
  users: UserDirectory;
  sessions: SessionStore;
  faults: FaultQueue;
  log: ClerkApiRecord[];
  /** The instance's signing key, served as its JWKS (`GET /v1/jwks`). */
  key?: { publicKeyPem: string; kid: string };
}

// Clerk caps a user's metadata at 8 KB.
const METADATA_LIMIT_BYTES = 8 * 1024;

class ClerkApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly longMessage: string,
    readonly meta?: Record<string, unknown>,
  ) {
    super(message);
  }

  toJSON() {
    return {
      errors: [{ message: this.message, long_message: this.longMessage, code: this.code, ...(this.meta && { meta: this.meta }) }],
      clerk_trace_id: randomBytes(16).toString('hex'),
    };
  }
}

const errors = {
  unauthenticated: (missing: boolean) =>
    new ClerkApiError(
      401,
      'authentication_invalid',
      missing ? 'Authorization header missing' : 'Invalid authentication',
      missing
        ? 'You need to send an Authorization header with your secret key (Bearer sk_…).'
        : 'Unable to authenticate the request, you need to supply an active API key',
    ),
  sessionNotFound: (id: string) => new ClerkApiError(404, 'resource_not_found', 'not found', `No session was found with id ${id}`),
  nonceNotFound: () => new ClerkApiError(404, 'resource_not_found', 'not found', 'No handshake payload was found for this nonce.'),
  userNotFound: (id: string) => new ClerkApiError(404, 'resource_not_found', 'not found', `No user was found with id ${id}`),
  noRoute: (method: string, path: string) =>
    new ClerkApiError(404, 'resource_not_found', 'not found', `${method} ${path} is not part of the local Clerk stand-in`),
  invalid: (param: string, longMessage: string) =>
    new ClerkApiError(422, 'form_param_format_invalid', 'is invalid', longMessage, { param_name: param }),
  unknownParam: (param: string) =>
    new ClerkApiError(422, 'form_param_unknown', 'is unknown', `${param} is not a valid parameter for this request.`, { param_name: param }),
  tooLarge: (param: string) =>
    new ClerkApiError(422, 'form_param_exceeds_allowed_size', 'exceeds allowed size', `${param} must not exceed ${METADATA_LIMIT_BYTES} bytes.`, { param_name: param }),
  internal: (detail?: string) => new ClerkApiError(500, 'internal_clerk_error', 'Oops, an unexpected error occurred', `There was an internal error on our servers. We've been notified and are working on fixing it.${detail ? ` (${detail})` : ''}`),
};

function parseMetadataBody(raw: string): Partial<Record<MetadataField, Record<string, unknown>>> {
  let body: unknown = {};
  if (raw.trim() !== '') {
    try {
      body = JSON.parse(raw);
    } catch {
      throw errors.invalid('body', 'The request body is not valid JSON.');
    }
  }
  if (!isPlainObject(body)) throw errors.invalid('body', 'The request body must be a JSON object.');
  const patch: Partial<Record<MetadataField, Record<string, unknown>>> = {};
  for (const [key, value] of Object.entries(body)) {
    const field = METADATA_FIELDS.find((f) => f === key);
    if (!field) throw errors.unknownParam(key);
    if (value === undefined) continue;
    if (!isPlainObject(value)) throw errors.invalid(field, `${field} must be a JSON object.`);
    if (Buffer.byteLength(JSON.stringify(value)) > METADATA_LIMIT_BYTES) throw errors.tooLarge(field);
    patch[field] = value;
  }
  return patch;
}

/** A Backend API `session` object for a revoked session, in the shape @clerk/backend's Session.fromJSON reads. */
function sessionJson(session: { sessionId: string; userId: string }) {
  const now = Date.now();
  return {
    object: 'session', id: session.sessionId, client_id: null, user_id: session.userId, status: 'revoked',
    last_active_at: now, last_active_organization_id: null, actor: null, latest_activity: null,
    expire_at: now, abandon_at: now, created_at: now, updated_at: now,
  };
}

function userId(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return segment ?? '';
  }
}

function route(ctx: BackendApiContext, method: string, url: URL, rawBody: string): unknown {
  const path = url.pathname;
  if (path === '/v1/clients/handshake_payload' && method === 'GET') {
    // Single use, as Clerk's: a replayed nonce (a second tab, a reload of the returning URL) finds nothing.
    const directives = ctx.sessions.redeemNonce(url.searchParams.get('nonce') ?? '');
    if (!directives) throw errors.nonceNotFound();
    return { directives };
  }
  const revoke = /^\/v1\/sessions\/([^/]+)\/revoke$/.exec(path);
  if (revoke && method === 'POST') {
    const id = userId(revoke[1]);
    const session = ctx.sessions.revoke(id);
    if (!session) throw errors.sessionNotFound(id);
    return sessionJson(session);
  }
  if (path === '/v1/jwks' && method === 'GET' && ctx.key) {
    const jwk = createPublicKey(ctx.key.publicKeyPem).export({ format: 'jwk' });
    return { keys: [{ use: 'sig', kty: jwk.kty, kid: ctx.key.kid, alg: 'RS256', n: jwk.n, e: jwk.e }] };
  }
  const user = /^\/v1\/users\/([^/]+)$/.exec(path);
  if (user && method === 'GET') {
    const id = userId(user[1]);
    const json = ctx.users.json(id);
    if (!json) throw errors.userNotFound(id);
    return json;
  }
  const metadata = /^\/v1\/users\/([^/]+)\/metadata$/.exec(path);
  if (metadata && (method === 'PATCH' || method === 'PUT')) {
    const id = userId(metadata[1]);
    const patch = parseMetadataBody(rawBody);
    const json = ctx.users.updateMetadata(id, patch, method === 'PATCH' ? 'merge' : 'replace');
    if (!json) throw errors.userNotFound(id);
    return json;
  }
  throw errors.noRoute(method, path);
}

export async function handleBackendApi(ctx: BackendApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const entry: ClerkApiRecord = { at: Date.now(), method, path: url.pathname, status: 0 };
  ctx.log.push(entry);
  const respond = (status: number, body: unknown) => {
    entry.status = status;
    sendJson(res, status, body);
  };

  const fault = ctx.faults.take(method, url.pathname);
  if (fault === 'drop') {
    // No response at all: the client sees a connection reset, as with a network failure. Status stays 0.
    req.socket.destroy();
    return;
  }
  if (fault === 'error500') return respond(500, errors.internal(FAULT_MARKER).toJSON());

  try {
    // Read the body even when refusing, so the keep-alive connection stays usable for the client's next call.
    const rawBody = await readBody(req, 64 * 1024);
    const authorization = header(req, 'authorization');
    if (authorization !== `Bearer ${ctx.secretKey}`) throw errors.unauthenticated(!authorization);
    respond(200, route(ctx, method, url, rawBody));
  } catch (err) {
    if (err instanceof ClerkApiError) return respond(err.status, err.toJSON());
    if (err instanceof BodyTooLargeError) return respond(413, errors.invalid('body', err.message).toJSON());
    console.error('[clerk-stand-in] unexpected error', err);
    respond(500, errors.internal().toJSON());
  }
}

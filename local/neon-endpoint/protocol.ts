// Neon's SQL-over-HTTP wire format, independent of the HTTP server and the database: reading the request (body,
// `Neon-*` headers, the connection string), and shaping results and errors exactly as Neon's proxy does
// (sql_over_http.rs), so @neondatabase/serverless and drizzle see what they would see against Neon.
// See /work/shared/docs/neon-http-protocol.md.

import { isIP } from 'node:net';
import type { SqlQuery, StatementResult } from './backend';
import { textToJson } from './json-output';

export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Browsers send these on a cross-origin request, so a preflight must allow them. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': [
    'Authorization',
    'Content-Type',
    'Neon-Connection-String',
    'Neon-Raw-Text-Output',
    'Neon-Array-Mode',
    'Neon-Pool-Opt-In',
    'Neon-Batch-Isolation-Level',
    'Neon-Batch-Read-Only',
    'Neon-Batch-Deferrable',
  ].join(', '),
  'Access-Control-Max-Age': '86400',
};

/** A failure that is not Postgres's: answered with `code: ""` and `severity: ""`, like Neon's proxy does. */
export class NeonHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'NeonHttpError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Request

export interface RequestQuery extends SqlQuery {
  /** Per-query override of the `Neon-Array-Mode` header. */
  arrayMode?: boolean;
  /** The params exactly as they arrived, for the request log. */
  rawParams: unknown[];
}

export interface ParsedBody {
  batch: boolean;
  queries: RequestQuery[];
}

const bodyError = (detail: string) => new NeonHttpError(400, `could not parse the HTTP request body: ${detail}`);

export function parseBody(text: string): ParsedBody {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw bodyError(e instanceof Error ? e.message : String(e));
  }
  // Neon deserialises an untagged enum: a single query is tried first, then a batch.
  const single = parseQuery(json);
  if (single) return { batch: false, queries: [single] };
  if (isObject(json) && Array.isArray(json.queries)) {
    const queries = json.queries.map(parseQuery);
    if (queries.every((q): q is RequestQuery => q !== undefined)) return { batch: true, queries };
  }
  throw bodyError('data did not match any variant of untagged enum Payload');
}

function parseQuery(value: unknown): RequestQuery | undefined {
  if (!isObject(value) || typeof value.query !== 'string') return undefined;
  // Neon requires `params`; accepting its absence as [] costs nothing and helps hand-written requests.
  const rawParams = value.params ?? [];
  if (!Array.isArray(rawParams)) return undefined;
  if (value.arrayMode !== undefined && typeof value.arrayMode !== 'boolean') return undefined;
  const query: RequestQuery = { query: value.query, params: rawParams.map(jsonToPgText), rawParams };
  if (typeof value.arrayMode === 'boolean') query.arrayMode = value.arrayMode;
  return query;
}

/** The driver already sends strings; other JSON values are turned into text the way Neon's proxy does. */
function jsonToPgText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return jsonArrayToPgArray(value);
  return JSON.stringify(value);
}

function jsonArrayToPgArray(values: unknown[]): string {
  const items = values.map((v) => {
    if (v === null || v === undefined) return 'NULL';
    if (Array.isArray(v)) return jsonArrayToPgArray(v);
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  });
  return `{${items.join(',')}}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type HeaderGetter = (name: string) => string | undefined;

export interface RequestOptions {
  rawTextOutput: boolean;
  arrayMode: boolean;
  /** The `START TRANSACTION …` a batch runs. */
  begin: string;
}

const ISOLATION_LEVELS: Readonly<Record<string, string>> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

export function readRequestOptions(header: HeaderGetter): RequestOptions {
  const isolation = header('neon-batch-isolation-level');
  let isolationSql: string | undefined;
  if (isolation !== undefined) {
    isolationSql = ISOLATION_LEVELS[isolation];
    if (isolationSql === undefined) throw new NeonHttpError(400, 'invalid isolation level');
  }
  // Neon treats these flags as set only when the header is exactly `true`.
  const readOnly = header('neon-batch-read-only') === 'true';
  const deferrable = header('neon-batch-deferrable') === 'true';
  const modes = [
    ...(isolationSql ? [`ISOLATION LEVEL ${isolationSql}`] : []),
    ...(readOnly ? ['READ ONLY'] : []),
    ...(deferrable ? ['DEFERRABLE'] : []),
  ];
  return {
    rawTextOutput: header('neon-raw-text-output') === 'true',
    arrayMode: header('neon-array-mode') === 'true',
    begin: modes.length > 0 ? `START TRANSACTION ${modes.join(', ')}` : 'START TRANSACTION',
  };
}

export interface Credentials {
  user: string;
  password: string;
  database: string;
}

/**
 * Validates `Neon-Connection-String` in the order Neon's proxy does. Gap: a bearer token (`Authorization`) stands
 * in for the password, as on Neon, but is not verified (there is no JWKS to check it against locally).
 */
export function checkConnectionString(header: HeaderGetter, accepted: Credentials): void {
  const raw = header('neon-connection-string');
  if (raw === undefined || raw === '') throw new NeonHttpError(400, 'invalid header: neon-connection-string');
  let url: URL;
  try {
    url = new URL(raw);
  } catch (e) {
    throw new NeonHttpError(400, `invalid connection string: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new NeonHttpError(400, 'incorrect scheme');
  const database = decode(url.pathname.replace(/^\//, ''));
  if (database === '') throw new NeonHttpError(400, 'missing database name');
  const user = decode(url.username);
  if (user === '') throw new NeonHttpError(400, 'missing username');
  const hasToken = /^Bearer\s+\S/i.test(header('authorization') ?? '');
  if (!hasToken && url.password === '') {
    throw new NeonHttpError(400, 'missing authentication credentials: required password');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '' || isIP(host) !== 0) throw new NeonHttpError(400, 'missing hostname');
  if (user !== accepted.user || (!hasToken && decode(url.password) !== accepted.password)) {
    throw new NeonHttpError(400, `password authentication failed for user '${user}'`);
  }
  // On Neon this check is the compute's, so it arrives as a genuine Postgres error.
  if (database !== accepted.database) {
    throw Object.assign(new Error(`database "${database}" does not exist`), {
      severity: 'FATAL',
      code: '3D000',
      file: 'postinit.c',
      routine: 'InitPostgres',
    });
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Results

/** `INSERT 0 2` → INSERT, 2 (INSERT's first number is an OID); `CREATE TABLE` → CREATE, null; none → '', null. */
export function parseCommandTag(tag: string | null): { command: string; rowCount: number | null } {
  const words = (tag ?? '').split(' ');
  const command = words[0] ?? '';
  const count = command === 'INSERT' ? words[2] : words[1];
  return { command, rowCount: count !== undefined && /^\d+$/.test(count) ? Number(count) : null };
}

export interface ResultFormat {
  arrayMode: boolean;
  rawTextOutput: boolean;
}

export function shapeResult(result: StatementResult, format: ResultFormat) {
  const { fields } = result;
  const value = (text: string | null, i: number): unknown =>
    format.rawTextOutput || text === null ? text : textToJson(text, fields[i]?.dataTypeID ?? 0);
  const rows = format.arrayMode
    ? result.rows.map((row) => row.map(value))
    : result.rows.map((row) => Object.fromEntries(row.map((text, i) => [fields[i]?.name ?? '', value(text, i)])));
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows,
    fields: fields.map((f) => ({
      name: f.name,
      dataTypeID: f.dataTypeID,
      tableID: f.tableID,
      columnID: f.columnID,
      dataTypeSize: f.dataTypeSize,
      dataTypeModifier: f.dataTypeModifier,
      format: 'text',
    })),
    rowAsArray: format.arrayMode,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

const NULLABLE_ERROR_KEYS = [
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

export type ErrorBody = { message: string; code: string; severity: string } & {
  [K in (typeof NULLABLE_ERROR_KEYS)[number]]: string | null;
};

interface PostgresErrorLike {
  message: string;
  code: string;
  severity: string;
  [key: string]: unknown;
}

/** Both pg's and PGlite's DatabaseError carry the ErrorResponse fields under these names. */
export function isPostgresError(error: unknown): error is PostgresErrorLike {
  if (!(error instanceof Error)) return false;
  const { code, severity } = error as unknown as Record<string, unknown>;
  return typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

export function shapeError(error: unknown): { status: number; body: ErrorBody } {
  const empty = Object.fromEntries(NULLABLE_ERROR_KEYS.map((k) => [k, null])) as Omit<
    ErrorBody,
    'message' | 'code' | 'severity'
  >;
  if (isPostgresError(error)) {
    const body: ErrorBody = { message: error.message, code: error.code, severity: error.severity, ...empty };
    for (const key of NULLABLE_ERROR_KEYS) {
      const v = error[key];
      body[key] = v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v);
    }
    return { status: 400, body };
  }
  if (error instanceof NeonHttpError) {
    return { status: error.status, body: { message: error.message, code: '', severity: '', ...empty } };
  }
  // The backend failed without Postgres saying why (server unreachable, PGlite closed, …): not the client's fault.
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { message, code: '', severity: '', ...empty } };
}

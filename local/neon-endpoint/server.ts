// The HTTP side of the endpoint: routes POST /sql through protocol.ts to the backend, answers CORS preflights,
// enforces the 10 MiB limits, and applies what tests control (latency, injected faults, the request log).

import { FAULT_MARKER } from '../fault-marker';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Backend } from './backend';
import type { FaultQueue } from './faults';
import {
  CORS_HEADERS,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_BYTES,
  NeonHttpError,
  checkConnectionString,
  parseBody,
  readRequestOptions,
  shapeError,
  shapeResult,
} from './protocol';
import type { Credentials, ParsedBody, RequestQuery } from './protocol';
import type { NeonRequestRecord } from './types';

export interface ServerContext {
  backend: Backend;
  credentials: Credentials;
  faults: FaultQueue;
  log: NeonRequestRecord[];
  latencyMs: () => number;
}

export interface RunningServer {
  /** Base URL without a path, e.g. http://127.0.0.1:PORT */
  origin: string;
  port: number;
  stop(): Promise<void>;
}

export async function startServer(ctx: ServerContext, host: string, port: number): Promise<RunningServer> {
  // Responses held open by `timeout` faults, released (destroyed) by stop().
  const held = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    handle(ctx, held, req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) send(res, 500, 'text/plain; charset=utf-8', String(error));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('neon endpoint: no TCP address');

  let stopped: Promise<void> | undefined;
  return {
    origin: `http://${urlHost(host)}:${address.port}`,
    port: address.port,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        held.clear();
        server.close(() => resolve());
        // Keep-alive sockets (and requests still in flight) would otherwise keep close() waiting.
        server.closeAllConnections();
      })),
  };
}

async function handle(ctx: ServerContext, held: Set<ServerResponse>, req: IncomingMessage, res: ServerResponse) {
  if (req.method === 'OPTIONS') {
    req.resume();
    res.writeHead(200, { ...CORS_HEADERS, Allow: 'OPTIONS, POST', 'Content-Length': '0' });
    res.end();
    return;
  }
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path !== '/sql' || req.method !== 'POST') {
    req.resume();
    const status = path === '/sql' ? 405 : 404;
    sendJson(res, status, shapeError(new NeonHttpError(status, `${req.method ?? ''} ${path} is not served`)).body);
    return;
  }

  const arrived = performance.now();
  const record: NeonRequestRecord = { at: Date.now(), queries: [], batch: false, status: 0 };
  ctx.log.push(record);
  // What the database's own time was, as a client would see it: the benchmark tells the app's overhead from the stand-in's.
  res.once('finish', () => (record.ms = performance.now() - arrived));

  const body = await readBody(req, MAX_REQUEST_BYTES);
  if (body === undefined) return; // the client went away mid-body
  let parsed: ParsedBody | undefined;
  let failure: unknown;
  if (body.tooLarge) {
    failure = new NeonHttpError(413, `request is too large (max is ${MAX_REQUEST_BYTES} bytes)`);
  } else {
    try {
      parsed = parseBody(body.text);
      record.batch = parsed.batch;
      record.queries = parsed.queries.map((q) => ({ query: q.query, params: q.rawParams }));
    } catch (error) {
      failure = error;
    }
  }

  const latency = ctx.latencyMs();
  if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));

  const fault = ctx.faults.take(
    record.queries.map((q) => q.query),
    record.queries.map((q) => JSON.stringify(q.params)),
  );
  if (fault !== undefined) {
    record.fault = fault;
    if (fault === 'error500') {
      record.status = 500;
      send(res, 500, 'text/plain; charset=utf-8', `Internal Server Error (${FAULT_MARKER})`);
    } else if (fault === 'drop') {
      req.socket.destroy();
    } else {
      held.add(res);
      res.on('close', () => held.delete(res));
    }
    return;
  }

  const answer = failure === undefined && parsed ? await execute(ctx, req, parsed) : shapeError(failure);
  record.status = answer.status;
  sendJson(res, answer.status, answer.body);
}

async function execute(
  ctx: ServerContext,
  req: IncomingMessage,
  parsed: ParsedBody,
): Promise<{ status: number; body: unknown }> {
  try {
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const options = readRequestOptions(header);
    checkConnectionString(header, ctx.credentials);
    const format = (q: RequestQuery | undefined) => ({
      arrayMode: q?.arrayMode ?? options.arrayMode,
      rawTextOutput: options.rawTextOutput,
    });
    let body: unknown;
    if (parsed.batch) {
      const results = await ctx.backend.runTransaction(parsed.queries, options.begin);
      body = { results: results.map((r, i) => shapeResult(r, format(parsed.queries[i]))) };
    } else {
      const [query] = parsed.queries;
      if (!query) throw new Error('unreachable: a single-query body without its query');
      body = shapeResult(await ctx.backend.runQuery(query), format(query));
    }
    const text = JSON.stringify(body);
    if (Buffer.byteLength(text) > MAX_RESPONSE_BYTES) {
      throw new NeonHttpError(507, `response is too large (max is ${MAX_RESPONSE_BYTES} bytes)`);
    }
    return { status: 200, body: text };
  } catch (error) {
    return shapeError(error);
  }
}

/**
 * Reads the body up to `limit` bytes. Past the limit it keeps draining without storing, so the client finishes
 * sending and can read the 413 (answering mid-upload makes fetch fail with a reset instead). undefined: aborted.
 */
function readBody(req: IncomingMessage, limit: number): Promise<{ tooLarge: boolean; text: string } | undefined> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > limit;
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve({ tooLarge, text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8') }));
    req.on('close', () => resolve(undefined)); // no-op once 'end' resolved
    req.on('error', () => resolve(undefined));
  });
}

/** `body` is either an object or an already-serialised JSON string. */
function sendJson(res: ServerResponse, status: number, body: unknown) {
  send(res, status, 'application/json', typeof body === 'string' ? body : JSON.stringify(body));
}

function send(res: ServerResponse, status: number, contentType: string, text: string) {
  if (res.destroyed) return;
  res.writeHead(status, {
    ...CORS_HEADERS,
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

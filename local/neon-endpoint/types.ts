// Public types of the local Neon SQL-over-HTTP endpoint. Kept apart from index.ts so the internal modules can share
// them without importing the entry point (which imports them).

export type NeonBackendOptions = { kind: 'pglite'; dataDir?: string } | { kind: 'postgres'; url: string };

export type FaultKind = 'error500' | 'timeout' | 'drop';

export interface NeonEndpointOptions {
  /** Default 0 = a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default: in-memory PGlite. */
  backend?: NeonBackendOptions;
  /** Credentials the endpoint accepts in `Neon-Connection-String`; defaults 'neon' / 'npg' / 'neondb'. */
  user?: string;
  password?: string;
  database?: string;
  /** Added before answering each request (simulates a far-away region). */
  latencyMs?: number;
}

export interface NeonRequestRecord {
  /** Date.now() when the request arrived. */
  at: number;
  /** As sent by the client (params untouched); empty until the body is read, and when it could not be parsed. */
  queries: { query: string; params: unknown[] }[];
  batch: boolean;
  /** HTTP status answered; 0 while unanswered and for `timeout` / `drop` faults, which never answer. */
  status: number;
  /** Milliseconds from the request's arrival to its answer written out, injected latency included; unset while unanswered. */
  ms?: number;
  fault?: FaultKind;
}

export interface NeonEndpoint {
  /** e.g. http://127.0.0.1:PORT/sql — what the app puts in neonConfig.fetchEndpoint. */
  url: string;
  /** postgresql://neon:npg@localhost:PORT/neondb — a host name, as Neon refuses IP addresses. */
  connectionString: string;
  /** Every POST request, in order of arrival (CORS preflights are not recorded). */
  log: NeonRequestRecord[];
  clearLog(): void;
  setLatency(ms: number): void;
  /**
   * The next `count` requests whose queries match `match` (default: any) get the fault instead of running.
   * error500: HTTP 500 text body; timeout: never answered (socket held open until stop() or the client aborts);
   * drop: socket destroyed without a response.
   */
  failNext(count: number, kind: FaultKind, match?: (queries: string[], params: string[]) => boolean): void;
  clearFaults(): void;
  /**
   * Direct backend access for seeding / asserting in tests. Rows are objects parsed by the backend library's own
   * parsers and params use its own serialisers (PGlite: int8 → number/bigint, json params take objects;
   * pg: int8 → string). Serialised with HTTP requests, never inside one of their transactions.
   */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Multi-statement SQL (simple protocol), direct to the backend, for migrations / resets. */
  exec(sql: string): Promise<void>;
  stop(): Promise<void>;
}

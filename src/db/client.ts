// The database client: drizzle over Neon's SQL-over-HTTP driver (one HTTPS request per query or batch), edge-safe.
import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import { upstreamFetchInit } from '@/lib/upstream-fetch';
import * as schema from './schema';

export interface DbOptions {
  databaseUrl: string;
  /** Local/test stand-in for Neon's HTTP endpoint; production leaves it unset. */
  fetchEndpoint?: string;
  /** Per-request bound, so a stalled database cannot hold a checkout open. */
  timeoutMs?: number;
}

export function createDb({ databaseUrl, fetchEndpoint, timeoutMs }: DbOptions) {
  // Both settings are global on neonConfig (the driver offers no per-client hook), so they are set here, where the
  // only client is made.
  if (fetchEndpoint) neonConfig.fetchEndpoint = fetchEndpoint;
  neonConfig.fetchFunction = (input: RequestInfo | URL, init?: RequestInit) =>
    fetch(input, { ...init, ...upstreamFetchInit, ...(timeoutMs && { signal: AbortSignal.timeout(timeoutMs) }) });
  return drizzle(neon(databaseUrl), { schema });
}

export type Db = ReturnType<typeof createDb>;

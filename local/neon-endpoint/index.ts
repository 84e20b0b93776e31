// Public entry point of the local Neon SQL-over-HTTP endpoint: what `@neondatabase/serverless`'s `neon()` and
// `drizzle-orm/neon-http` talk to when `neonConfig.fetchEndpoint` points here, backed by PGlite or a real Postgres.
// See /work/shared/docs/neon-http-protocol.md for the protocol it reproduces.

import { startPgliteBackend } from './backend-pglite';
import { startPostgresBackend } from './backend-postgres';
import { FaultQueue } from './faults';
import { startServer } from './server';
import type { NeonEndpoint, NeonEndpointOptions, NeonRequestRecord } from './types';

export type {
  FaultKind,
  NeonBackendOptions,
  NeonEndpoint,
  NeonEndpointOptions,
  NeonRequestRecord,
} from './types';

export async function startNeonEndpoint(options: NeonEndpointOptions = {}): Promise<NeonEndpoint> {
  const credentials = {
    user: options.user ?? 'neon',
    password: options.password ?? 'npg',
    database: options.database ?? 'neondb',
  };
  const backendOptions = options.backend ?? { kind: 'pglite' };
  const backend =
    backendOptions.kind === 'postgres'
      ? await startPostgresBackend(backendOptions.url)
      : await startPgliteBackend(backendOptions.dataDir);

  let latencyMs = options.latencyMs ?? 0;
  const log: NeonRequestRecord[] = [];
  const faults = new FaultQueue();

  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(
      { backend, credentials, faults, log, latencyMs: () => latencyMs },
      options.host ?? '127.0.0.1',
      options.port ?? 0,
    );
  } catch (error) {
    await backend.close();
    throw error;
  }

  const enc = encodeURIComponent;
  let stopped: Promise<void> | undefined;
  return {
    url: `${server.origin}/sql`,
    // Neon refuses IP addresses ("missing hostname"), so the string names the host.
    connectionString: `postgresql://${enc(credentials.user)}:${enc(credentials.password)}@localhost:${server.port}/${enc(credentials.database)}`,
    log,
    // Emptied in place: callers may hold a reference to `log`.
    clearLog: () => {
      log.length = 0;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    failNext: (count, kind, match) => faults.add(count, kind, match),
    clearFaults: () => faults.clear(),
    query: (sql, params) => backend.query(sql, params),
    exec: (sql) => backend.exec(sql),
    stop: () =>
      (stopped ??= (async () => {
        await server.stop();
        await backend.close();
      })()),
  };
}

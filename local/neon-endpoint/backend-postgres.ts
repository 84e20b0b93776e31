// Real-server backend: a `pg.Pool`, one client per request (and so per batch transaction), queries forced onto the
// extended protocol with text params and every type parser a pass-through, so values stay Postgres text output and a
// multi-statement string is refused by Postgres itself (42601), as on Neon.

import pg from 'pg';
import { toFieldDescription, type Backend, type SqlQuery, type StatementResult } from './backend';

const passThrough = { getTypeParser: () => (value: string) => value };

// `queryMode` exists in pg 8.x but not in @types/pg. Without it pg uses the simple protocol whenever there are no
// params, which would run several statements instead of refusing them.
type ExtendedArrayQuery = pg.QueryArrayConfig & { queryMode: 'extended' };

export async function startPostgresBackend(url: string): Promise<Backend> {
  const pool = new pg.Pool({
    connectionString: url,
    // Startup options become the session defaults, so they survive the DISCARD ALL after each request.
    options: '-c TimeZone=UTC -c DateStyle=ISO,MDY',
  });
  // An idle client losing its server must not crash the process; the next request reports the failure.
  pool.on('error', () => undefined);
  await withClient(pool, () => Promise.resolve()); // fail fast if the server is unreachable

  const runStatement = async (client: pg.PoolClient, query: SqlQuery): Promise<StatementResult> => {
    const config: ExtendedArrayQuery = {
      text: query.query,
      values: query.params,
      rowMode: 'array',
      types: passThrough,
      queryMode: 'extended',
    };
    const result = await client.query<(string | null)[]>(config);
    return {
      fields: result.fields.map(toFieldDescription),
      rows: result.rows,
      // pg splits the command tag the same way Neon does (INSERT's OID skipped); it keeps no raw tag. Typed as a
      // string, but null when the server sent no tag (an empty query).
      command: result.command ?? '',
      rowCount: result.rowCount,
    };
  };

  return {
    runQuery: (query) => withClient(pool, (client) => runStatement(client, query)),

    runTransaction: (queries, begin) =>
      withClient(pool, async (client) => {
        await client.query(begin);
        const results: StatementResult[] = [];
        try {
          for (const query of queries) results.push(await runStatement(client, query));
        } catch (error) {
          // If even ROLLBACK fails the connection is broken; withClient then destroys it. Report the first error.
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
        await client.query('COMMIT');
        return results;
      }),

    query: (sql, params = []) =>
      withClient(pool, async (client) => (await client.query<Record<string, unknown>>(sql, params)).rows),

    exec: (sql) =>
      withClient(pool, async (client) => {
        await client.query(sql);
      }),

    close: () => pool.end(),
  };
}

/**
 * No session state survives a request on Neon: DISCARD ALL before the client goes back to the pool. It fails inside
 * a transaction (a lone `BEGIN` sent as a query), and then the connection is destroyed, which rolls it back.
 */
async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let reusable = false;
  try {
    return await fn(client);
  } finally {
    try {
      await client.query('DISCARD ALL');
      reusable = true;
    } catch {
      reusable = false;
    }
    client.release(!reusable);
  }
}

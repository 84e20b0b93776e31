// Embedded backend: PGlite (Postgres compiled to WASM, in this process). Statements are driven through PGlite's raw
// wire-protocol API rather than `pg.query()`, because that is the only way to get what Neon returns: Postgres's
// text output untouched, the full RowDescription, and the real command tag.
//
// PGlite is ONE connection. A batch's transaction, the session reset after each request and the direct
// query()/exec() helpers must never interleave, so everything goes through a single FIFO queue.

import { PGlite, messages, protocol } from '@electric-sql/pglite';
import { toFieldDescription, type Backend, type SqlQuery, type StatementResult } from './backend';
import { parseCommandTag } from './protocol';

const { serialize } = protocol;
// Each request ends with an explicit syncToFs(), not one per wire message.
const NO_SYNC = { syncToFs: false } as const;

export async function startPgliteBackend(dataDir?: string): Promise<Backend> {
  const pg = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };

  /** Parse / bind (text params, types inferred) / describe / execute / sync: what Neon's proxy sends. */
  const runStatement = async (query: SqlQuery): Promise<StatementResult> => {
    const received: unknown[] = [];
    try {
      for (const message of [
        serialize.parse({ text: query.query }),
        serialize.bind({ values: query.params }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
      ]) {
        received.push(...(await pg.execProtocolStream(message, NO_SYNC)));
      }
    } finally {
      // After an error Postgres skips everything up to Sync; Sync also ends the implicit transaction.
      await pg.execProtocolStream(serialize.sync(), NO_SYNC);
    }
    return toResult(received);
  };

  // PGlite boots with TimeZone=UTC and DateStyle='ISO, MDY' (what Neon's text output uses). Pin them anyway in
  // case a persisted data dir carries other defaults; DISCARD ALL would otherwise bring those back.
  const settings = await runStatement({
    query: "SELECT current_setting('TimeZone'), current_setting('DateStyle')",
    params: [],
  });
  const [timeZone, dateStyle] = settings.rows[0] ?? [];
  const pinSettings = [
    ...(timeZone === 'UTC' ? [] : ["SET TimeZone = 'UTC'"]),
    ...(dateStyle === 'ISO, MDY' ? [] : ["SET DateStyle = 'ISO, MDY'"]),
  ];

  /** No session state survives a request on Neon: end any transaction left open, then reset the session. */
  const resetSession = async () => {
    if (pg.isInTransaction()) await runStatement({ query: 'ROLLBACK', params: [] });
    await runStatement({ query: 'DISCARD ALL', params: [] });
    for (const query of pinSettings) await runStatement({ query, params: [] });
    await pg.syncToFs();
  };

  const exclusive = <T>(fn: () => Promise<T>): Promise<T> =>
    serial(async () => {
      try {
        return await fn();
      } finally {
        await resetSession();
      }
    });

  return {
    runQuery: (query) => exclusive(() => runStatement(query)),

    runTransaction: (queries, begin) =>
      exclusive(async () => {
        await runStatement({ query: begin, params: [] });
        const results: StatementResult[] = [];
        try {
          for (const query of queries) results.push(await runStatement(query));
        } catch (error) {
          await runStatement({ query: 'ROLLBACK', params: [] });
          throw error;
        }
        await runStatement({ query: 'COMMIT', params: [] });
        return results;
      }),

    query: (sql, params = []) =>
      exclusive(async () => (await pg.query<Record<string, unknown>>(sql, params)).rows),

    exec: (sql) =>
      exclusive(async () => {
        await pg.exec(sql);
      }),

    close: () => serial(() => pg.close()),
  };
}

function toResult(received: unknown[]): StatementResult {
  const result: StatementResult = { fields: [], rows: [], command: '', rowCount: null };
  for (const message of received) {
    if (message instanceof messages.RowDescriptionMessage) {
      result.fields = message.fields.map(toFieldDescription);
    } else if (message instanceof messages.DataRowMessage) {
      result.rows.push(message.fields);
    } else if (message instanceof messages.CommandCompleteMessage) {
      Object.assign(result, parseCommandTag(message.text));
    }
  }
  return result;
}

// The local Neon SQL-over-HTTP endpoint, driven by the real clients (@neondatabase/serverless `neon()` and
// drizzle-orm/neon-http) plus raw fetches where the wire format itself is the point. The same suite runs against the
// PGlite backend and, when Postgres binaries are installed, against a throwaway real server.

import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NeonDbError, neon, neonConfig } from '@neondatabase/serverless';
import type { NeonQueryFunction } from '@neondatabase/serverless';
import { eq, sql as dsql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-http';
import { migrate } from 'drizzle-orm/neon-http/migrator';
import { integer, pgTable, serial, text } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNeonEndpoint } from '../../local/neon-endpoint';
import type { NeonEndpoint, NeonEndpointOptions } from '../../local/neon-endpoint';

const accounts = pgTable('dz_accounts', {
  id: serial('id').primaryKey(),
  email: text('email').notNull().unique(),
  credits: integer('credits').notNull().default(0),
});

/** The headers @neondatabase/serverless 1.2.x sends, for requests made by hand. */
function driverHeaders(endpoint: NeonEndpoint, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'content-type': 'text/plain;charset=UTF-8',
    'Neon-Connection-String': `${endpoint.connectionString}?application_name=test`,
    'Neon-Raw-Text-Output': 'true',
    'Neon-Array-Mode': 'true',
    ...extra,
  };
}

async function post(endpoint: NeonEndpoint, body: unknown, headers: Record<string, string>) {
  const res = await fetch(endpoint.url, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { res, json: (await res.json()) as Record<string, unknown> };
}

/** The thrown value of a promise that must reject. */
async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

function defineSuite(backendName: string, start: () => Promise<NeonEndpoint>) {
  describe(`neon endpoint (${backendName})`, () => {
    let endpoint: NeonEndpoint;
    let sql: NeonQueryFunction<false, false>;
    let db: ReturnType<typeof drizzle>;

    beforeAll(async () => {
      endpoint = await start();
      neonConfig.fetchEndpoint = endpoint.url;
      sql = neon(endpoint.connectionString);
      db = drizzle({ client: sql });
      await endpoint.exec(`
        CREATE TABLE dz_accounts (id serial PRIMARY KEY, email text NOT NULL UNIQUE, credits integer NOT NULL DEFAULT 0);
        CREATE TABLE items (id int PRIMARY KEY, label text);
      `);
    });

    afterAll(async () => {
      await endpoint?.stop();
    });

    it('round-trips types as the driver parses them', async () => {
      await sql`CREATE TABLE types_rt (i4 int4, i8 int8, num numeric(12,2), b bool, t text, ts timestamptz, d date,
        j jsonb, ta text[], ia int4[], n text, by bytea)`;
      const ts = new Date('2026-03-04T05:06:07.123Z');
      const json = { a: [1, 'x'], nested: { ok: true }, none: null };
      await sql`INSERT INTO types_rt VALUES (${42}, ${'9007199254740993'}, ${'12.50'}, ${true}, ${'héllo "q" \\'},
        ${ts}, ${'2026-03-04'}, ${json}, ${['a b', 'c"d', null]}, ${[1, 2, 3]}, ${null}, ${Buffer.from([1, 255])})`;
      const [row] = await sql`SELECT * FROM types_rt`;
      expect(row).toMatchObject({
        i4: 42,
        i8: '9007199254740993',
        num: '12.50',
        b: true,
        t: 'héllo "q" \\',
        j: json,
        ta: ['a b', 'c"d', null],
        ia: [1, 2, 3],
        n: null,
      });
      // drizzle-orm/neon-http (created in beforeAll) swaps the driver's global date parsers for pass-throughs, so
      // date/time columns arrive as Postgres text here, exactly as in the app.
      expect(row?.ts).toBe('2026-03-04 05:06:07.123+00');
      expect(new Date(row?.ts as string).getTime()).toBe(ts.getTime());
      expect(row?.d).toBe('2026-03-04');
      expect(Buffer.from(row?.by as Uint8Array)).toEqual(Buffer.from([1, 255]));
    });

    it('answers with Postgres text output, fields and CORS exactly as Neon does', async () => {
      const { res, json } = await post(
        endpoint,
        {
          query: `SELECT $1::int AS n, true AS b, ARRAY[1,2] AS arr, '2026-01-02 03:04:05.5+00'::timestamptz AS ts,
            '\\x01ff'::bytea AS by, NULL::text AS nothing`,
          params: ['42'],
        },
        driverHeaders(endpoint),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(json).toMatchObject({ command: 'SELECT', rowCount: 1, rowAsArray: true });
      expect(json.rows).toEqual([['42', 't', '{1,2}', '2026-01-02 03:04:05.5+00', '\\x01ff', null]]);
      expect((json.fields as unknown[])[0]).toEqual({
        name: 'n',
        dataTypeID: 23,
        tableID: 0,
        columnID: 0,
        dataTypeSize: 4,
        dataTypeModifier: -1,
        format: 'text',
      });

      const preflight = await fetch(endpoint.url, { method: 'OPTIONS' });
      expect(preflight.status).toBe(200);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('Neon-Connection-String');
    });

    it('gives fullResults with command, rowCount and fields', async () => {
      const created = await sql.query('CREATE TABLE fr (id int PRIMARY KEY, label text)', [], { fullResults: true });
      expect(created).toMatchObject({ command: 'CREATE', rowCount: null, rows: [], fields: [] });
      const inserted = await sql.query('INSERT INTO fr VALUES ($1, $2), ($3, $4)', [1, 'a', 2, 'b'], {
        fullResults: true,
      });
      expect(inserted).toMatchObject({ command: 'INSERT', rowCount: 2, rows: [] });
      const updated = await sql.query('UPDATE fr SET label = upper(label)', [], { fullResults: true });
      expect(updated).toMatchObject({ command: 'UPDATE', rowCount: 2 });
      const selected = await sql.query('SELECT id, label FROM fr ORDER BY id', [], {
        fullResults: true,
        arrayMode: true,
      });
      expect(selected).toMatchObject({ command: 'SELECT', rowCount: 2, rows: [[1, 'A'], [2, 'B']] });
      expect(selected.fields.map((f) => [f.name, f.dataTypeID, f.columnID])).toEqual([
        ['id', 23, 1],
        ['label', 25, 2],
      ]);
      expect(selected.fields[0]?.tableID).toBeGreaterThan(0);
    });

    it('reports a unique violation with its SQLSTATE and constraint, to neon() and to drizzle', async () => {
      await sql`INSERT INTO dz_accounts (email) VALUES ('dup@example.com')`;
      const err = await rejection(sql`INSERT INTO dz_accounts (email) VALUES ('dup@example.com')`);
      expect(err).toBeInstanceOf(NeonDbError);
      expect(err).toMatchObject({
        code: '23505',
        constraint: 'dz_accounts_email_key',
        table: 'dz_accounts',
        schema: 'public',
        severity: 'ERROR',
        detail: 'Key (email)=(dup@example.com) already exists.',
      });
      expect(err.message).toContain('duplicate key value violates unique constraint');

      const viaDrizzle = await rejection(db.insert(accounts).values({ email: 'dup@example.com' }));
      expect((viaDrizzle.cause as NeonDbError).code).toBe('23505');
      expect((viaDrizzle.cause as NeonDbError).constraint).toBe('dz_accounts_email_key');
    });

    it('sends every key of a Postgres error, absent ones null and position as a string', async () => {
      const { res, json } = await post(endpoint, { query: 'SELECT nope FROM items', params: [] }, driverHeaders(endpoint));
      expect(res.status).toBe(400);
      expect(Object.keys(json).sort()).toEqual(
        [
          'message', 'code', 'detail', 'hint', 'position', 'internalPosition', 'internalQuery', 'severity', 'where',
          'schema', 'table', 'column', 'dataType', 'constraint', 'file', 'line', 'routine',
        ].sort(),
      );
      expect(json).toMatchObject({ code: '42703', severity: 'ERROR', position: '8', detail: null, constraint: null });
      expect(typeof json.line).toBe('string');
    });

    it('rolls a failing transaction back and returns only its error', async () => {
      const err = await rejection(
        sql.transaction([
          sql`INSERT INTO items VALUES (100, 'first')`,
          sql`INSERT INTO items VALUES (100, 'again')`,
          sql`INSERT INTO items VALUES (101, 'never')`,
        ]),
      );
      expect(err).toMatchObject({ code: '23505', constraint: 'items_pkey' });
      expect(await sql`SELECT id FROM items WHERE id IN (100, 101)`).toEqual([]);
    });

    it('returns per-query results for a batch, committed together', async () => {
      const [inserted, counted, none] = await sql.transaction([
        sql`INSERT INTO items VALUES (200, 'x'), (201, 'y') RETURNING id`,
        sql`SELECT count(*)::int AS n FROM items WHERE id >= 200`,
        sql`SELECT 1 WHERE false`,
      ]);
      expect(inserted).toEqual([{ id: 200 }, { id: 201 }]);
      expect(counted).toEqual([{ n: 2 }]);
      expect(none).toEqual([]);
      const full = await sql.transaction([sql`UPDATE items SET label = 'z' WHERE id >= 200`], { fullResults: true });
      expect(full[0]).toMatchObject({ command: 'UPDATE', rowCount: 2 });
    });

    it('applies the batch isolation level, read-only and deferrable headers', async () => {
      const [iso, ro, def] = await sql.transaction(
        [sql`SHOW transaction_isolation`, sql`SHOW transaction_read_only`, sql`SHOW transaction_deferrable`],
        { isolationLevel: 'Serializable', readOnly: true, deferrable: true },
      );
      expect([iso?.[0], ro?.[0], def?.[0]]).toEqual([
        { transaction_isolation: 'serializable' },
        { transaction_read_only: 'on' },
        { transaction_deferrable: 'on' },
      ]);
      const [plain] = await sql.transaction([sql`SHOW transaction_isolation`]);
      expect(plain).toEqual([{ transaction_isolation: 'read committed' }]);
      const readOnly = await rejection(sql.transaction([sql`INSERT INTO items VALUES (300, 'ro')`], { readOnly: true }));
      expect(readOnly).toMatchObject({ code: '25006' });

      const { res, json } = await post(
        endpoint,
        { queries: [{ query: 'SELECT 1', params: [] }] },
        driverHeaders(endpoint, { 'Neon-Batch-Isolation-Level': 'Chaos' }),
      );
      expect(res.status).toBe(400);
      expect(json).toMatchObject({ message: 'invalid isolation level', code: '', severity: '' });
    });

    it('refuses a multi-statement string with 42601', async () => {
      const err = await rejection(sql.query('SELECT 1; SELECT 2'));
      expect(err).toBeInstanceOf(NeonDbError);
      expect(err).toMatchObject({ code: '42601' });
      expect(err.message).toBe('cannot insert multiple commands into a prepared statement');
    });

    it('keeps no session state between requests', async () => {
      await sql`SET TimeZone = 'America/New_York'`;
      expect(await sql`SHOW TimeZone`).toEqual([{ TimeZone: 'UTC' }]);
      await sql`CREATE TEMP TABLE scratch (x int)`;
      expect(await sql`SELECT to_regclass('scratch') AS t`).toEqual([{ t: null }]);
      await sql`BEGIN`; // left open by the client: must not survive the request
      expect(await rejection(sql`SAVEPOINT s`)).toMatchObject({ code: '25P01' });
    });

    it('rejects bad credentials and connection strings with code ""', async () => {
      const url = new URL(endpoint.connectionString);
      const variant = (edit: (u: URL) => void) => {
        const u = new URL(url);
        edit(u);
        return neon(u.toString());
      };

      const wrongPassword = await rejection(variant((u) => (u.password = 'nope'))`SELECT 1`);
      expect(wrongPassword).toBeInstanceOf(NeonDbError);
      expect(wrongPassword).toMatchObject({
        message: "password authentication failed for user 'neon'",
        code: '',
        severity: '',
      });
      const wrongUser = await rejection(variant((u) => (u.username = 'mallory'))`SELECT 1`);
      expect(wrongUser).toMatchObject({ code: '', message: "password authentication failed for user 'mallory'" });
      const ipHost = await rejection(variant((u) => (u.hostname = '127.0.0.1'))`SELECT 1`);
      expect(ipHost).toMatchObject({ message: 'missing hostname', code: '' });
      const noPassword = await rejection(variant((u) => (u.password = ''))`SELECT 1`);
      expect(noPassword).toMatchObject({ message: 'missing authentication credentials: required password', code: '' });
      // With an auth token (Neon's JWT auth) the password is not required; the token itself is not verified locally.
      const withToken = neon(endpoint.connectionString.replace(':npg@', '@'), { authToken: 'header.payload.sig' });
      expect(await withToken`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);
      // The database is checked by the compute on Neon, so that one is a real Postgres error.
      const wrongDb = await rejection(variant((u) => (u.pathname = '/otherdb'))`SELECT 1`);
      expect(wrongDb).toMatchObject({ code: '3D000', severity: 'FATAL', message: 'database "otherdb" does not exist' });

      // A missing or malformed string never leaves the client: NeonDbError without a code, nothing sent.
      const before = endpoint.log.length;
      const malformed = await rejection(neon('')`SELECT 1`);
      expect(malformed).toBeInstanceOf(NeonDbError);
      expect(malformed.code).toBeUndefined();
      const noDatabase = await rejection(neon('postgresql://neon:npg@localhost')`SELECT 1`);
      expect(noDatabase.message).toContain('missing user, host or database');
      expect(endpoint.log.length).toBe(before);

      // Without the header (another client), the endpoint answers the non-Postgres error shape itself.
      const headers = driverHeaders(endpoint);
      delete headers['Neon-Connection-String'];
      const { res, json } = await post(endpoint, { query: 'SELECT 1', params: [] }, headers);
      expect(res.status).toBe(400);
      expect(json).toMatchObject({ message: 'invalid header: neon-connection-string', code: '', severity: '' });
      expect(json.detail).toBeNull();
    });

    it('answers an unparsable body and an oversized body like Neon', async () => {
      const bad = await post(endpoint, '{"query": 1}', driverHeaders(endpoint));
      expect(bad.res.status).toBe(400);
      expect(bad.json.code).toBe('');
      expect(String(bad.json.message)).toMatch(/^could not parse the HTTP request body: /);

      const huge = 'x'.repeat(10 * 1024 * 1024 + 1);
      const tooLarge = await rejection(sql`SELECT ${huge}::text AS t`);
      expect(tooLarge.message).toMatch(/^Server error \(HTTP status 413\): /);

      const tooBig = await rejection(sql`SELECT repeat('x', 11 * 1024 * 1024) AS t`);
      expect(tooBig.message).toMatch(/^Server error \(HTTP status 507\): /);
    });

    it('converts to JSON and honours per-query arrayMode for clients that do not ask for raw text', async () => {
      const { json } = await post(
        endpoint,
        {
          query: `SELECT $1::int + 1 AS n, true AS b, 2.5::float8 AS f, 'NaN'::float8 AS nan, 5::int8 AS big,
            '{"k": [1]}'::jsonb AS j, ARRAY[[1,2],[3,NULL]] AS m, $2::text[] AS t`,
          params: [41, ['a "b"', null]],
        },
        { 'Neon-Connection-String': endpoint.connectionString },
      );
      expect(json.rowAsArray).toBe(false);
      expect(json.rows).toEqual([
        { n: 42, b: true, f: 2.5, nan: 'NaN', big: '5', j: { k: [1] }, m: [[1, 2], [3, null]], t: ['a "b"', null] },
      ]);

      const batch = await post(
        endpoint,
        { queries: [{ query: 'SELECT 1 AS a', params: [], arrayMode: false }, { query: 'SELECT 2 AS a', params: [] }] },
        driverHeaders(endpoint),
      );
      expect(batch.json.results).toMatchObject([
        { rows: [{ a: '1' }], rowAsArray: false },
        { rows: [['2']], rowAsArray: true },
      ]);
    });

    it("runs drizzle's db.batch as one transaction", async () => {
      const [inserted, updated, selected] = await db.batch([
        db.insert(accounts).values({ email: 'batch@example.com', credits: 5 }).returning({ id: accounts.id }),
        db.update(accounts).set({ credits: dsql`${accounts.credits} + 10` }).where(eq(accounts.email, 'batch@example.com')),
        db.select({ credits: accounts.credits }).from(accounts).where(eq(accounts.email, 'batch@example.com')),
      ]);
      expect(inserted).toHaveLength(1);
      expect(updated).toMatchObject({ rowCount: 1 });
      expect(selected).toEqual([{ credits: 15 }]);

      const failed = await rejection(
        db.batch([
          db.insert(accounts).values({ email: 'batch2@example.com' }),
          db.insert(accounts).values({ email: 'batch2@example.com' }),
        ]),
      );
      expect(failed).toMatchObject({ code: '23505' });
      expect(await db.select().from(accounts).where(eq(accounts.email, 'batch2@example.com'))).toEqual([]);
    });

    it("applies migrations with drizzle's neon-http migrator, once", async () => {
      const folder = mkdtempSync(join(tmpdir(), 'neon-endpoint-migrations-'));
      try {
        mkdirSync(join(folder, 'meta'));
        writeFileSync(
          join(folder, 'meta', '_journal.json'),
          JSON.stringify({
            version: '7',
            dialect: 'postgresql',
            entries: [{ idx: 0, version: '7', when: 1_700_000_000_000, tag: '0000_init', breakpoints: true }],
          }),
        );
        writeFileSync(
          join(folder, '0000_init.sql'),
          'CREATE TABLE "mig_items" ("id" serial PRIMARY KEY NOT NULL, "name" text NOT NULL);\n' +
            '--> statement-breakpoint\n' +
            'CREATE UNIQUE INDEX "mig_items_name_idx" ON "mig_items" ("name");\n',
        );
        await migrate(db, { migrationsFolder: folder });
        await migrate(db, { migrationsFolder: folder });
        expect(await sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`).toEqual([{ n: 1 }]);
        await sql`INSERT INTO mig_items (name) VALUES ('a')`;
        expect(await rejection(sql`INSERT INTO mig_items (name) VALUES ('a')`)).toMatchObject({
          code: '23505',
          constraint: 'mig_items_name_idx',
        });
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });

    it('injects faults: error500 and drop make the client throw, then requests succeed again', async () => {
      endpoint.clearLog();
      endpoint.failNext(1, 'error500');
      const e500 = await rejection(sql`SELECT 1`);
      expect(e500).toBeInstanceOf(NeonDbError);
      expect(e500.message).toBe('Server error (HTTP status 500): Internal Server Error (injected-fault-3f9c1a)');
      expect(await sql`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);

      endpoint.failNext(1, 'drop');
      const dropped = await rejection(sql`SELECT 1`);
      expect(dropped.message).toMatch(/^Error connecting to database: /);
      expect(await sql`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);

      expect(endpoint.log.map((r) => [r.fault, r.status])).toEqual([
        ['error500', 500],
        [undefined, 200],
        ['drop', 0],
        [undefined, 200],
      ]);
    });

    it('injects a timeout the client gives up on, and faults only matching requests', async () => {
      endpoint.failNext(1, 'timeout');
      const timedOut = await rejection(
        sql.query('SELECT 1', [], { fetchOptions: { signal: AbortSignal.timeout(200) } }),
      );
      expect(timedOut.message).toMatch(/^Error connecting to database: .*(abort|timeout)/i);
      expect(endpoint.log.at(-1)).toMatchObject({ fault: 'timeout', status: 0 });

      endpoint.failNext(2, 'error500', (queries) => queries.some((q) => q.includes('fault_target')));
      expect(await sql`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);
      await expect(sql`SELECT 'fault_target' AS t`).rejects.toThrow(/HTTP status 500/);
      await expect(sql.transaction([sql`SELECT 1`, sql`SELECT 'fault_target'`])).rejects.toThrow(/HTTP status 500/);
      expect(await sql`SELECT 'fault_target' AS t`).toEqual([{ t: 'fault_target' }]);

      // A matcher also sees each query's params as JSON, so a test can fault only its own rows.
      endpoint.failNext(1, 'error500', (queries, params) => queries.some((q, i) => q.includes('$1') && (params[i] ?? '').includes('"mine"')));
      expect(await sql`SELECT ${'theirs'}::text AS t`).toEqual([{ t: 'theirs' }]);
      await expect(sql`SELECT ${'mine'}::text AS t`).rejects.toThrow(/HTTP status 500/);
      expect(await sql`SELECT ${'mine'}::text AS t`).toEqual([{ t: 'mine' }]);

      endpoint.failNext(5, 'error500');
      endpoint.clearFaults();
      expect(await sql`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);
    });

    it('logs every request in order with its queries, params, batch flag and status', async () => {
      const log = endpoint.log;
      endpoint.clearLog();
      expect(endpoint.log).toBe(log);
      await sql`SELECT ${7}::int AS n`;
      await sql.transaction([sql`SELECT ${'a'}::text`, sql`SELECT 2`]);
      await rejection(sql`SELECT * FROM no_such_table`);
      expect(endpoint.log).toMatchObject([
        { batch: false, status: 200, queries: [{ query: 'SELECT $1::int AS n', params: ['7'] }] },
        { batch: true, status: 200, queries: [{ query: 'SELECT $1::text', params: ['a'] }, { query: 'SELECT 2', params: [] }] },
        { batch: false, status: 400 },
      ]);
      const [first, second] = endpoint.log;
      expect(first?.at).toBeLessThanOrEqual(second?.at ?? 0);
    });

    it('adds the configured latency to each request', async () => {
      endpoint.setLatency(150);
      try {
        const t0 = performance.now();
        await sql`SELECT 1`;
        const seen = performance.now() - t0;
        expect(seen).toBeGreaterThanOrEqual(145);
        // The log says how long the endpoint itself took to answer: the latency and more, never more than the client saw.
        expect(endpoint.log.at(-1)?.ms).toBeGreaterThanOrEqual(149);
        expect(endpoint.log.at(-1)?.ms).toBeLessThanOrEqual(seen);
      } finally {
        endpoint.setLatency(0);
      }
    });

    it('keeps concurrent batches and single queries apart', async () => {
      await sql`CREATE TABLE conc (id int PRIMARY KEY, src text)`;
      const requests: Promise<unknown>[] = [];
      for (let i = 0; i < 10; i++) {
        requests.push(sql`INSERT INTO conc VALUES (${i}, 'single')`);
        requests.push(
          sql
            .transaction([
              sql`INSERT INTO conc VALUES (${1000 + i}, 'batch')`,
              sql`SELECT pg_sleep(0.001)`,
              sql`INSERT INTO conc VALUES (${1000 + i}, 'batch')`,
            ])
            .catch((e: unknown) => e),
        );
      }
      const outcomes = await Promise.all(requests);
      expect(outcomes.filter((o) => o instanceof NeonDbError)).toHaveLength(10);
      expect(await sql`SELECT src, count(*)::int AS n FROM conc GROUP BY src`).toEqual([{ src: 'single', n: 10 }]);
    });

    it('gives direct backend access for seeding and asserting', async () => {
      await endpoint.exec(`CREATE TABLE seeded (id int PRIMARY KEY, note text); INSERT INTO seeded VALUES (1, 'one');`);
      await endpoint.query('INSERT INTO seeded VALUES ($1, $2)', [2, 'two']);
      expect(await endpoint.query('SELECT id, note FROM seeded ORDER BY id')).toEqual([
        { id: 1, note: 'one' },
        { id: 2, note: 'two' },
      ]);
      expect(await sql`SELECT count(*)::int AS n FROM seeded`).toEqual([{ n: 2 }]);
    });

    // Last on purpose: it stops the endpoint (afterAll's stop() is then a no-op).
    it('stop() releases a request held by a timeout fault and closes the port', async () => {
      endpoint.failNext(1, 'timeout');
      const held = rejection(sql`SELECT 1`);
      await expect.poll(() => endpoint.log.at(-1)?.fault).toBe('timeout');
      await endpoint.stop();
      expect((await held).message).toMatch(/^Error connecting to database: /);
      expect((await rejection(sql`SELECT 1`)).message).toMatch(/^Error connecting to database: /);
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Backends

defineSuite('pglite', () => startNeonEndpoint());

/** A throwaway Postgres cluster when the binaries exist (initdb refuses root, so run it as `postgres` then). */
const postgresBinaries = (() => {
  if (spawnSync('initdb', ['--version']).status !== 0) return undefined;
  if (process.getuid?.() !== 0) return { asUser: [] as string[], owner: undefined };
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || spawnSync('runuser', ['--help']).status !== 0) return undefined;
  return { asUser: ['runuser', '-u', 'postgres', '--'], owner: [Number(uid.stdout), Number(gid.stdout)] as const };
})();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

// CI installs PostgreSQL (.ci/run), so there a missing server fails the run instead of skipping it.
describe.skipIf(!postgresBinaries && !process.env.CI)('with a real Postgres server', () => {
  const bin = postgresBinaries ?? { asUser: [], owner: undefined };
  const run = (cmd: string, args: string[]) => {
    const [exe, ...rest] = [...bin.asUser, cmd, ...args];
    execFileSync(exe ?? cmd, rest, { stdio: 'pipe' });
  };
  let dir: string | undefined;
  let started = false;

  const startWithPostgres = async (): Promise<NeonEndpoint> => {
    dir = mkdtempSync(join(tmpdir(), 'neon-endpoint-pg-'));
    const data = join(dir, 'data');
    if (bin.owner) chownSync(dir, bin.owner[0], bin.owner[1]);
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    const port = await freePort();
    const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    run('pg_ctl', ['-D', data, '-o', serverOptions, '-l', join(dir, 'log'), '-w', 'start']);
    started = true;
    const options: NeonEndpointOptions = {
      backend: { kind: 'postgres', url: `postgresql://postgres@127.0.0.1:${port}/postgres` },
    };
    return startNeonEndpoint(options);
  };

  afterAll(() => {
    if (!dir) return;
    if (started) run('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  });

  defineSuite('postgres', startWithPostgres);
});

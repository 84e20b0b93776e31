// The statements that spend and hold credits, each ONE conditional statement on the ledger and the balance. Races are
// settled by the ledger's unique `cause`: a statement that loses one aborts whole (its balance move included) and is
// run again on a fresh snapshot, where it finds the winner's entry.
import { sql } from 'drizzle-orm';
import type { Db } from './client';
import { createPrefixedId } from '@/lib/ids';

export interface DebitInput {
  clerkUserId: string;
  kind: 'spend' | 'hold';
  credits: number;
  reference: string | null;
  /** The ledger cause that makes the debit idempotent: `spend:<userId>:<key>` / `hold:<userId>:<key>`. */
  cause: string;
  now: Date;
  /** Holds only. */
  expiresAt: Date | null;
}

export interface EntryView {
  id: string;
  kind: string;
  credits: number;
  reference: string | null;
  expiresAt: string | null;
  createdAt: string;
  balanceAfter: number | null;
}

export type DebitResult =
  | { outcome: 'debited' | 'replayed'; entry: EntryView }
  | { outcome: 'insufficient'; balance: number };

const isoOrNull = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

function entryView(row: Record<string, unknown>, prefix: string): EntryView {
  return {
    id: row[`${prefix}id`] as string,
    kind: row[`${prefix}kind`] as string,
    credits: Number(row[`${prefix}credits`]),
    reference: (row[`${prefix}reference`] as string | null) ?? null,
    expiresAt: isoOrNull(row[`${prefix}expires_at`]),
    createdAt: isoOrNull(row[`${prefix}created_at`])!,
    balanceAfter: row[`${prefix}balance_after`] == null ? null : Number(row[`${prefix}balance_after`]),
  };
}

const UNIQUE_VIOLATION = '23505';
const MAX_ATTEMPTS = 5;

function isUniqueViolation(err: unknown): boolean {
  for (let e = err; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
  }
  return false;
}

/** Runs a statement again when it lost a cause race (it rolled back whole, so running it again is safe). */
async function settledByCause<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}

const settleCause = (holdIdSql: ReturnType<typeof sql>) => sql`'hold_settle:' || ${holdIdSql}`;

// The buyer's holds past expiry with no settlement yet: their credits are available again. Nothing has to run for
// that: every statement that debits counts them in and writes their release in the same statement.
const expiredHolds = (now: Date) => sql`
  select h.id, h.user_id, -h.credits as n from credit_entries h
  where h.user_id = (select id from b) and h.kind = 'hold' and h.expires_at <= ${now.toISOString()}::timestamptz
    and not exists (select 1 from credit_entries s where s.cause = ${settleCause(sql`h.id`)})`;

/**
 * Spends or holds credits. The users update is the gate: it moves the balance only while this cause has no entry and
 * the balance (with expired holds added back) covers the debit; the entry is written from its RETURNING, without ON
 * CONFLICT, so a concurrent statement with the same cause aborts whole instead of debiting twice. An insufficient
 * balance writes nothing, so the key stays free.
 */
export function debitCredits(db: Db, d: DebitInput): Promise<DebitResult> {
  const entryId = createPrefixedId('cre');
  return settledByCause(async () => {
    const result = await db.execute(sql`
      with b as (select id from users where clerk_user_id = ${d.clerkUserId}),
      prior as (select * from credit_entries where cause = ${d.cause}),
      expired as (${expiredHolds(d.now)}),
      freed as (select coalesce(sum(n), 0)::int as n from expired),
      moved as (
        update users set credit_balance = users.credit_balance + freed.n - ${d.credits}::int, updated_at = now()
        from freed
        where users.id = (select id from b) and not exists (select 1 from prior)
          and users.credit_balance + freed.n >= ${d.credits}::int
        returning users.id, users.credit_balance
      ),
      released as (
        insert into credit_entries (id, user_id, kind, credits, cause, reference)
        select 'cre_' || md5(expired.id), expired.user_id, 'hold_release', expired.n, ${settleCause(sql`expired.id`)}, 'expiry'
        from expired where exists (select 1 from moved)
        returning id
      ),
      written as (
        insert into credit_entries (id, user_id, kind, credits, cause, reference, expires_at, balance_after)
        select ${entryId}, moved.id, ${d.kind}, -${d.credits}::int, ${d.cause}, ${d.reference}::text,
               ${d.expiresAt?.toISOString() ?? null}::timestamptz, moved.credit_balance
        from moved
        returning *
      )
      select w.id as w_id, w.kind as w_kind, w.credits as w_credits, w.reference as w_reference,
             w.expires_at as w_expires_at, w.created_at as w_created_at, w.balance_after as w_balance_after,
             p.id as p_id, p.kind as p_kind, p.credits as p_credits, p.reference as p_reference,
             p.expires_at as p_expires_at, p.created_at as p_created_at, p.balance_after as p_balance_after,
             coalesce((select credit_balance from users where id = (select id from b)), 0) + (select n from freed) as available,
             (select count(*) from released)::int as released
      from (select 1) one left join written w on true left join prior p on true`);
    const row = result.rows[0] ?? {};
    if (row.w_id != null) return { outcome: 'debited', entry: entryView(row, 'w_') };
    if (row.p_id != null) return { outcome: 'replayed', entry: entryView(row, 'p_') };
    return { outcome: 'insufficient', balance: Number(row.available ?? 0) };
  });
}

export interface SettleInput {
  clerkUserId: string;
  holdId: string;
  action: 'confirm' | 'release';
  now: Date;
}

export type SettleResult =
  | { outcome: 'not_found' }
  | { outcome: 'settled'; fresh: boolean; hold: EntryView; settlement: 'confirmed' | 'released' | 'expired'; balance: number };

/**
 * Confirms or releases a hold. Confirm, release and the release an expiry triggers share one cause per hold
 * (`hold_settle:<holdId>`), so exactly one of them ever happens; the others find it and answer from it. Confirming an
 * expired hold releases it (its credits return) and reports it expired.
 */
export function settleHold(db: Db, s: SettleInput): Promise<SettleResult> {
  const now = s.now.toISOString();
  const entryId = createPrefixedId('cre');
  return settledByCause(async () => {
    const result = await db.execute(sql`
      with b as (select id from users where clerk_user_id = ${s.clerkUserId}),
      h as (select * from credit_entries where id = ${s.holdId} and kind = 'hold' and user_id = (select id from b)),
      prior as (select kind, reference from credit_entries where cause = ${settleCause(sql`${s.holdId}::text`)}),
      todo as (
        select h.id, h.user_id, -h.credits as n, case r.reason when 'confirm' then 'hold_confirm' else 'hold_release' end as kind, r.reason
        from h, lateral (select case when h.expires_at <= ${now}::timestamptz then 'expiry' else ${s.action} end as reason) r
        where not exists (select 1 from prior)
      ),
      moved as (
        update users set credit_balance = users.credit_balance + todo.n, updated_at = now()
        from todo where users.id = todo.user_id and todo.kind = 'hold_release'
        returning users.credit_balance
      ),
      written as (
        insert into credit_entries (id, user_id, kind, credits, cause, reference, balance_after)
        select ${entryId}, todo.user_id, todo.kind, case when todo.kind = 'hold_release' then todo.n else 0 end,
               ${settleCause(sql`todo.id`)}, todo.reason,
               coalesce((select credit_balance from moved), (select credit_balance from users where id = todo.user_id))
        from todo
        returning reference
      )
      select h.id, h.kind, h.credits, h.reference, h.expires_at, h.created_at, h.balance_after,
             coalesce((select reference from written), (select reference from prior)) as settled_by,
             exists (select 1 from written) as fresh,
             coalesce((select credit_balance from moved), (select credit_balance from users where id = (select id from b))) as balance
      from h`);
    const row = result.rows[0];
    if (!row) return { outcome: 'not_found' };
    const hold = entryView(row, '');
    const settlement = ({ confirm: 'confirmed', release: 'released', expiry: 'expired' } as const)[row.settled_by as 'confirm' | 'release' | 'expiry'];
    return { outcome: 'settled', fresh: row.fresh === true, hold, settlement, balance: Number(row.balance ?? 0) };
  });
}

/** Gives a buyer credits (support adjustments, test fixtures) as a ledger entry, once per cause. */
export function adjustCredits(db: Db, a: { clerkUserId: string; credits: number; cause: string }): Promise<number | null> {
  return settledByCause(async () => {
  const result = await db.execute(sql`
    with moved as (
      update users set credit_balance = credit_balance + ${a.credits}::int, updated_at = now()
      where clerk_user_id = ${a.clerkUserId} and not exists (select 1 from credit_entries where cause = ${a.cause})
      returning id, credit_balance
    ),
    written as (
      insert into credit_entries (id, user_id, kind, credits, cause, balance_after)
      select ${createPrefixedId('cre')}, id, 'adjustment', ${a.credits}::int, ${a.cause}, credit_balance from moved
      returning balance_after
    )
    select (select balance_after from written) as balance`);
  const balance = result.rows[0]?.balance;
  return balance == null ? null : Number(balance);
  });
}

// The operator tools against the local stack: each run as the npm script runs it (the same function, with the stack's
// database), its printed line and exit code checked, and the ledger read back with plain SQL. Idempotency is shown by
// running each command twice; refusals by the balance and entries not moving.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { findOrMarkCheckoutUser } from '@/db/checkout';
import { creditUnmatched, dismissUnmatched, findBuyers } from '@/db/operator';
import { fulfilCheckout } from '@/lib/fulfilment';
import { LOCAL_PRICES } from '@local/stack';
import { runAdjust } from '../../../scripts/billing/adjust';
import { runLedger } from '../../../scripts/billing/ledger';
import { runUnmatched } from '../../../scripts/billing/unmatched';
import type { ToolIo } from '../../../scripts/billing/cli';
import { ledgerOf } from '../../support/ledger';
import { newClerkUserId, servicesFromStack, stack } from '../../support/stack';

let services: Awaited<ReturnType<typeof servicesFromStack>>;
beforeAll(async () => {
  services = await servicesFromStack();
});

async function tool(run: (argv: string[], io: ToolIo) => Promise<number>, argv: string[], user = 'alice') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { db: services.db, out: (l) => void out.push(l), err: (l) => void err.push(l), user });
  return { code, out, err };
}

async function buyer(label: string) {
  const clerkUserId = newClerkUserId(label);
  const email = `${clerkUserId}@example.com`;
  await findOrMarkCheckoutUser(services.db, clerkUserId, email);
  return { clerkUserId, email };
}

const entriesWithCause = async (cause: string) =>
  stack.neon<{ credits: number; actor: string | null; reason: string | null; kind: string }[]>('query', 'select credits, actor, reason, kind from credit_entries where cause = $1', [cause]);

/** A paid sale fulfilment cannot credit: a session opened by someone else on the account (a Payment Link, say). */
async function foreignSale(): Promise<string> {
  const session = await services.stripe.checkout.sessions.create({
    mode: 'payment', line_items: [{ price: LOCAL_PRICES.serialEntrepreneur.id, quantity: 1 }], client_reference_id: 'usr_elsewhere', success_url: 'https://elsewhere.example/',
  });
  await stack.stripe('completeSession', session.id);
  expect((await fulfilCheckout(session.id, services)).outcome).toBe('unmatched');
  return session.id;
}

describe('npm run billing:adjust', () => {
  it('adds and takes credits once per key, records who and why, and never goes below zero', async () => {
    const b = await buyer('adjust');
    const key = `ticket-${b.clerkUserId}`;
    const first = await tool(runAdjust, ['--user', b.clerkUserId, '--credits', '5', '--reason', 'Workshop cancelled by us', '--key', key]);
    expect(first).toMatchObject({ code: 0, err: [] });
    expect(first.out[0]).toMatch(new RegExp(`^adjusted: ${b.clerkUserId} \\(${b.email}\\) \\+5 credits, balance 5, entry cre_\\w+, by operator:alice: Workshop cancelled by us$`));
    const again = await tool(runAdjust, ['--user', b.email, '--credits', '5', '--reason', 'Workshop cancelled by us', '--key', key]);
    expect(again.code).toBe(0);
    expect(again.out[0]).toMatch(/^already adjusted \(same key\): .* \+5 credits, balance 5,/);
    expect(await entriesWithCause(`adjustment:${key}`)).toEqual([{ credits: 5, actor: 'operator:alice', reason: 'Workshop cancelled by us', kind: 'adjustment' }]);

    const reused = await tool(runAdjust, ['--user', b.clerkUserId, '--credits', '6', '--reason', 'Another thing', '--key', key]);
    expect(reused).toMatchObject({ code: 2, out: [] });
    expect(reused.err).toEqual([`billing:adjust: key ${key} was already used for +5 credits on another adjustment (${first.out[0]!.match(/entry (cre_\w+)/)![1]}); use a new key`]);

    const tooMuch = await tool(runAdjust, ['--user', b.clerkUserId, '--credits', '-7', '--reason', 'Correction', '--key', `${key}-2`, '--actor', 'bob']);
    expect(tooMuch).toMatchObject({ code: 2, out: [] });
    expect(tooMuch.err).toEqual([`billing:adjust: refused: ${b.clerkUserId} (${b.email}) has 5 credits; taking 7 would go below zero (nothing written)`]);
    expect(await entriesWithCause(`adjustment:${key}-2`)).toEqual([]);

    const all = await tool(runAdjust, ['--user', b.clerkUserId, '--credits', '-5', '--reason', 'Correction', '--key', `${key}-3`, '--actor', 'bob']);
    expect(all.code).toBe(0);
    expect(all.out[0]).toMatch(/-5 credits, balance 0, entry cre_\w+, by operator:bob: Correction$/);
    expect((await ledgerOf(b.clerkUserId)).balance).toBe(0);
    expect((await ledgerOf(b.clerkUserId)).entries).toEqual([{ kind: 'adjustment', credits: -5, shortfall: 0 }, { kind: 'adjustment', credits: 5, shortfall: 0 }]);
  });

  it('credits given to a buyer with an open debt pay it first; the line, the entry and the ledger say how many', async () => {
    const users = (clerkUserId: string) => stack.neon<{ credit_balance: number; credit_debt: number }[]>('query', 'select credit_balance, credit_debt from users where clerk_user_id = $1', [clerkUserId]);
    // The debt a refund left behind (credits spent, then their money returned): set directly, as the model reaches it.
    const b = await buyer('adjust_debt');
    await stack.neon('query', 'update users set credit_debt = 3 where clerk_user_id = $1', [b.clerkUserId]);
    const key = `debt-${b.clerkUserId}`;
    const argv = ['--user', b.clerkUserId, '--credits', '5', '--reason', 'Goodwill', '--key', key];
    const first = await tool(runAdjust, argv);
    expect(first.code).toBe(0);
    expect(first.out[0]).toMatch(/^adjusted: .* \+5 credits \(3 paid an open debt, 2 to the balance\), balance 2, entry cre_\w+, by operator:alice: Goodwill$/);
    const again = await tool(runAdjust, argv);
    expect(again.out[0]).toMatch(/^already adjusted \(same key\): .* \+5 credits \(3 paid an open debt, 2 to the balance\), balance 2,/);
    expect(await users(b.clerkUserId)).toEqual([{ credit_balance: 2, credit_debt: 0 }]);
    const ledger = await tool(runLedger, ['--user', b.clerkUserId]);
    expect(ledger.out.filter((l) => / adjustment +\+2 {2}adjustment:debt-\S+ {2}debt paid 3 by operator:alice "Goodwill"$/.test(l))).toHaveLength(1);
    expect(ledger.out.filter((l) => l.startsWith('debt '))).toEqual([]);

    // More debt than the credit: all of it pays the debt, nothing reaches the balance, and nothing can be taken.
    const c = await buyer('adjust_debt_big');
    await stack.neon('query', 'update users set credit_debt = 5 where clerk_user_id = $1', [c.clerkUserId]);
    const small = await tool(runAdjust, ['--user', c.clerkUserId, '--credits', '2', '--reason', 'Goodwill', '--key', `debt-${c.clerkUserId}`]);
    expect(small.out[0]).toMatch(/ \+2 credits \(2 paid an open debt, 0 to the balance\), balance 0,/);
    expect(await users(c.clerkUserId)).toEqual([{ credit_balance: 0, credit_debt: 3 }]);
    const take = await tool(runAdjust, ['--user', c.clerkUserId, '--credits', '-1', '--reason', 'Correction', '--key', `debt-${c.clerkUserId}-2`]);
    expect(take.code).toBe(2);
    expect((await tool(runLedger, ['--user', c.clerkUserId])).out.at(-1)).toBe('debt 3 (credits reversals could not take back)');
  });

  it('refuses bad input with one line and exit code 2, before writing anything', async () => {
    const b = await buyer('adjust_bad');
    const base = ['--user', b.clerkUserId, '--reason', 'Because', '--key', 'k-bad-input'];
    const cases: [string[], RegExp][] = [
      [[...base, '--credits', '0'], /^billing:adjust: --credits takes a whole number other than 0/],
      [[...base, '--credits', '1.5'], /^billing:adjust: --credits takes a whole number/],
      [['--user', b.clerkUserId, '--credits', '1', '--key', 'k-bad-input'], /^billing:adjust: --reason "…" is required/],
      [['--user', b.clerkUserId, '--credits', '1', '--reason', 'Because'], /^billing:adjust: --key <key> is required/],
      [[...base, '--credits', '1', '--colour', 'red'], /^billing:adjust: Unknown option '--colour'/],
      [['--user', 'user_nobody_at_all', '--credits', '1', '--reason', 'Because', '--key', 'k-bad-input'], /^billing:adjust: no buyer with Clerk id or email user_nobody_at_all$/],
    ];
    for (const [argv, message] of cases) {
      const r = await tool(runAdjust, argv);
      expect(r.code).toBe(2);
      expect(r.out).toEqual([]);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(message);
    }
    const noActor = await tool(runAdjust, [...base, '--credits', '1'], '');
    expect(noActor.err).toEqual(['billing:adjust: say who you are with --actor <name> (letters, digits, . _ @ -; $USER is used when set)']);
    expect((await ledgerOf(b.clerkUserId)).entries).toEqual([]);
  });
});

describe('npm run billing:unmatched', () => {
  it('lists open unmatched sales, credits one to the buyer it names once, dismisses another once with a reason', async () => {
    const [toCredit, toDismiss] = [await foreignSale(), await foreignSale()];
    const b = await buyer('unmatched');
    const listed = await tool(runUnmatched, []);
    expect(listed.code).toBe(0);
    expect(listed.out.find((l) => l.startsWith(toCredit))).toMatch(new RegExp(`^${toCredit}  not_ours  149\\.00 USD  buyer unknown  since \\S+  open$`));

    const credit = ['--credit', toCredit, '--user', b.email, '--credits', '3', '--reason', 'Bought through the old Payment Link'];
    const first = await tool(runUnmatched, credit);
    expect(first).toMatchObject({ code: 0, err: [] });
    expect(first.out[0]).toMatch(new RegExp(`^credited: ${toCredit} \\(149\\.00 USD\\) \\+3 credits to ${b.clerkUserId} \\(${b.email}\\), balance 3, entry cre_\\w+, by operator:alice: Bought through the old Payment Link$`));
    const second = await tool(runUnmatched, credit);
    expect(second.out[0]).toMatch(/^already credited: .* \+3 credits to .* balance 3,/);
    expect(await entriesWithCause(`unmatched:${toCredit}`)).toEqual([{ credits: 3, actor: 'operator:alice', reason: 'Bought through the old Payment Link', kind: 'adjustment' }]);
    expect((await ledgerOf(b.clerkUserId)).balance).toBe(3);
    const dismissCredited = await tool(runUnmatched, ['--dismiss', toCredit, '--reason', 'Oops']);
    expect(dismissCredited.code).toBe(2);
    expect(dismissCredited.err[0]).toMatch(new RegExp(`^billing:unmatched: ${toCredit} was already credited \\(credited by operator:alice at \\S+: Bought through the old Payment Link\\); nothing dismissed$`));

    const dismiss = ['--dismiss', toDismiss, '--reason', 'Refunded in the Dashboard', '--actor', 'carol'];
    const d1 = await tool(runUnmatched, dismiss);
    expect(d1.code).toBe(0);
    expect(d1.out[0]).toMatch(new RegExp(`^dismissed: ${toDismiss} \\(149\\.00 USD\\), dismissed by operator:carol at \\S+: Refunded in the Dashboard$`));
    expect((await tool(runUnmatched, dismiss)).out[0]).toMatch(/^already dismissed: /);
    const creditDismissed = await tool(runUnmatched, ['--credit', toDismiss, '--user', b.clerkUserId, '--credits', '3', '--reason', 'Changed my mind']);
    expect(creditDismissed.code).toBe(2);
    expect(creditDismissed.err[0]).toMatch(/^billing:unmatched: cs_\w+ is dismissed \(dismissed by operator:carol at \S+: Refunded in the Dashboard\); nothing credited$/);
    expect((await ledgerOf(b.clerkUserId)).balance).toBe(3);

    const open = (await tool(runUnmatched, [])).out;
    expect(open.some((l) => l.startsWith(toCredit) || l.startsWith(toDismiss))).toBe(false);
    const all = (await tool(runUnmatched, ['--all'])).out;
    expect(all.find((l) => l.startsWith(toDismiss))).toMatch(/dismissed by operator:carol at \S+: Refunded in the Dashboard$/);

    for (const [argv, message] of [
      [['--credit', 'cs_test_nosuchsale', '--credits', '1', '--reason', 'Because'], /^billing:unmatched: no unmatched sale cs_test_nosuchsale/],
      [['--credit', toCredit, '--dismiss', toDismiss, '--reason', 'Because'], /^billing:unmatched: use one of --credit and --dismiss$/],
      [['--dismiss', toDismiss], /^billing:unmatched: --reason "…" is required/],
    ] as [string[], RegExp][]) {
      const r = await tool(runUnmatched, argv);
      expect([r.code, r.err.length, r.out.length]).toEqual([2, 1, 0]);
      expect(r.err[0]).toMatch(message);
    }
  });
});

describe('an unmatched sale credited and dismissed at the same moment (real Postgres)', () => {
  it('ends exactly one way: credited with one entry, or dismissed with none', async () => {
    const b = await buyer('unmatched_race');
    const userId = (await findBuyers(services.db, b.clerkUserId))[0]!.id;
    const outcomes: string[] = [];
    for (let round = 0; round < 6; round++) {
      const sale = await foreignSale();
      const [credited, dismissed] = await Promise.all([
        creditUnmatched(services.db, { sessionId: sale, userId, credits: 3, actor: 'operator:alice', reason: 'Paid us' }),
        dismissUnmatched(services.db, { sessionId: sale, actor: 'operator:bob', reason: 'Refunded' }),
      ]);
      const [row] = await stack.neon<{ resolution: string }[]>('query', 'select resolution from unmatched_checkouts where stripe_checkout_session_id = $1', [sale]);
      const entries = await entriesWithCause(`unmatched:${sale}`);
      if (row!.resolution === 'credited') {
        expect([credited.outcome, dismissed.changed, entries.length]).toEqual(['adjusted', false, 1]);
      } else {
        expect([row!.resolution, credited.outcome, dismissed.changed, entries.length]).toEqual(['dismissed', 'refused', true, 0]);
      }
      outcomes.push(row!.resolution);
    }
    expect((await ledgerOf(b.clerkUserId)).balance).toBe(3 * outcomes.filter((o) => o === 'credited').length);
  });
});

describe('npm run billing:ledger', () => {
  it("prints the buyer's entries with who and why, and the balance; through npm run as an operator would", async () => {
    const b = await buyer('ledger');
    expect((await tool(runAdjust, ['--user', b.clerkUserId, '--credits', '4', '--reason', 'Goodwill', '--key', `g-${b.clerkUserId}`])).code).toBe(0);
    const r = await tool(runLedger, ['--user', b.email]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe(`buyer ${b.clerkUserId} (${b.email}), 1 entries`);
    expect(r.out[1]).toMatch(new RegExp(`^\\S+Z  adjustment +\\+4  adjustment:g-${b.clerkUserId}  by operator:alice "Goodwill"$`));
    expect(r.out[2]).toBe('balance 4');

    const env = await stack.env();
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'billing:ledger', '--', '--user', b.clerkUserId], { env: { ...process.env, ...env } });
    expect(stdout.trim().split('\n')).toEqual(r.out);
    const failed = await promisify(execFile)('npm', ['run', '--silent', 'billing:adjust', '--', '--user', b.clerkUserId, '--credits', '-9', '--reason', 'Too much', '--key', `t-${b.clerkUserId}`, '--actor', 'ci'], { env: { ...process.env, ...env } }).catch((e: { code: number; stderr: string }) => e);
    expect('code' in failed && failed.code).toBe(2);
    expect((failed as { stderr: string }).stderr.trim()).toBe(`billing:adjust: refused: ${b.clerkUserId} (${b.email}) has 4 credits; taking 9 would go below zero (nothing written)`);
  });
});

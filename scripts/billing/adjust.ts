// `npm run billing:adjust -- --user <clerk id | email> --credits ±N --reason "…" --key <key> [--actor <name>]`:
// a ledger `adjustment` entry (goodwill credit or correction) recording who and why. Idempotent by --key: the same
// command again prints the entry it already wrote; the key with another buyer or amount is refused. A negative
// adjustment larger than the balance is refused: the balance never goes below zero. Credits given to a buyer with an
// open debt pay it first; the line says how many did.
import { adjustBalance } from '../../src/db/operator';
import { actorOf, oneBuyer, paidDebt, parse, reasonOf, runTool, signed, UsageError, type ToolIo } from './cli';

const TOOL = 'billing:adjust';
const LIMIT = 100_000;

export function runAdjust(argv: string[], io: ToolIo): Promise<number> {
  return runTool(TOOL, io, async () => {
    const a = parse(TOOL, argv, { user: { type: 'string' }, credits: { type: 'string' }, reason: { type: 'string' }, key: { type: 'string' }, actor: { type: 'string' } });
    const credits = Number(a.credits);
    if (!/^[+-]?\d+$/.test(a.credits ?? '') || credits === 0 || Math.abs(credits) > LIMIT) {
      throw new UsageError(`${TOOL}: --credits takes a whole number other than 0, from -${LIMIT} to ${LIMIT} (e.g. --credits 2 or --credits -1)`);
    }
    if (!/^[A-Za-z0-9._:-]{4,100}$/.test(a.key ?? '')) throw new UsageError(`${TOOL}: --key <key> is required (4 to 100 of A-Z a-z 0-9 . _ : -), e.g. the support ticket id`);
    const reason = reasonOf(TOOL, a.reason);
    const actor = actorOf(TOOL, a.actor, io);
    const buyer = await oneBuyer(TOOL, io.db, a.user);
    const result = await adjustBalance(io.db, { userId: buyer.id, credits, key: a.key!, actor, reason, now: io.now?.() });
    const who = `${buyer.clerkUserId} (${buyer.email})`;
    if (result.outcome === 'no_buyer') throw new UsageError(`${TOOL}: buyer ${who} no longer exists`);
    if (result.outcome === 'refused') {
      throw new UsageError(`${TOOL}: refused: ${who} has ${result.balance} credits; taking ${-credits} would go below zero (nothing written)`);
    }
    const e = result.entry;
    const given = e.credits + e.debtPaid;
    if (result.outcome === 'replayed' && (e.userId !== buyer.id || given !== credits)) {
      throw new UsageError(`${TOOL}: key ${a.key} was already used for ${signed(given)} credits on another adjustment (${e.id}); use a new key`);
    }
    io.out(`${result.outcome === 'adjusted' ? 'adjusted' : 'already adjusted (same key)'}: ${who} ${signed(given)} credits${paidDebt(e)}, balance ${e.balanceAfter}, entry ${e.id}, by ${e.actor}: ${e.reason}`);
  });
}

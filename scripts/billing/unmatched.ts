// `npm run billing:unmatched`: paid sales fulfilment could not credit (recorded by the webhook or reconciliation).
//   (no options)                      lists the open ones; `--all` also the resolved ones
//   --credit <session> --credits N [--user <clerk id | email>] --reason "…"
//                                     credits the buyer named (default: the Clerk id the sale carries) with an
//                                     `adjustment` entry and marks the sale credited, in one statement; once per sale
//   --dismiss <session> --reason "…"  marks it dismissed (e.g. a Payment Link sale handled elsewhere); once per sale
// Acting operator: --actor <name> or $USER. The sale's session id is the key: the same command again changes nothing.
import { creditUnmatched, dismissUnmatched, findUnmatched, listUnmatched, type UnmatchedRow } from '../../src/db/operator';
import { formatMoneyCode } from '../../src/lib/receipts/format-money-code';
import { actorOf, oneBuyer, paidDebt, parse, reasonOf, runTool, signed, UsageError, type ToolIo } from './cli';

const TOOL = 'billing:unmatched';

const amount = (u: UnmatchedRow) => (u.amountCents == null ? '?' : formatMoneyCode(u.amountCents, u.currency ?? ''));
const state = (u: UnmatchedRow) => (u.resolution ? `${u.resolution} by ${u.resolvedBy} at ${u.resolvedAt}: ${u.resolutionReason}` : 'open');

export function runUnmatched(argv: string[], io: ToolIo): Promise<number> {
  return runTool(TOOL, io, async () => {
    const a = parse(TOOL, argv, {
      all: { type: 'boolean' }, credit: { type: 'string' }, dismiss: { type: 'string' }, credits: { type: 'string' },
      user: { type: 'string' }, reason: { type: 'string' }, actor: { type: 'string' },
    });
    if (a.credit !== undefined && a.dismiss !== undefined) throw new UsageError(`${TOOL}: use one of --credit and --dismiss`);
    const sessionId = a.credit ?? a.dismiss;
    if (sessionId === undefined) {
      const rows = await listUnmatched(io.db, { includeResolved: a.all === true });
      for (const u of rows) io.out(`${u.sessionId}  ${u.reason}  ${amount(u)}  buyer ${u.clerkUserId ?? 'unknown'}  since ${u.createdAt}  ${state(u)}`);
      io.out(`${rows.length} ${a.all ? 'unmatched sales' : 'open unmatched sales'}`);
      return;
    }
    const reason = reasonOf(TOOL, a.reason);
    const actor = actorOf(TOOL, a.actor, io);
    const sale = await findUnmatched(io.db, sessionId);
    if (!sale) throw new UsageError(`${TOOL}: no unmatched sale ${sessionId} (npm run billing:unmatched lists them)`);

    if (a.dismiss !== undefined) {
      const { changed, row } = await dismissUnmatched(io.db, { sessionId, actor, reason });
      if (!changed && row?.resolution === 'credited') throw new UsageError(`${TOOL}: ${sessionId} was already credited (${state(row)}); nothing dismissed`);
      io.out(`${changed ? 'dismissed' : 'already dismissed'}: ${sessionId} (${amount(sale)}), ${state(row!)}`);
      return;
    }
    const credits = Number(a.credits);
    if (!/^\d+$/.test(a.credits ?? '') || credits < 1 || credits > 1000) throw new UsageError(`${TOOL}: --credit needs --credits N (a whole number from 1 to 1000): what the buyer paid for`);
    const who = a.user ?? sale.clerkUserId ?? undefined;
    if (who === undefined) throw new UsageError(`${TOOL}: ${sessionId} names no buyer; say who with --user <clerk user id | email>`);
    const buyer = await oneBuyer(TOOL, io.db, who);
    const result = await creditUnmatched(io.db, { sessionId, userId: buyer.id, credits, actor, reason, now: io.now?.() });
    if (result.outcome === 'no_buyer') throw new UsageError(`${TOOL}: buyer ${who} no longer exists`);
    if (result.outcome === 'refused') throw new UsageError(`${TOOL}: ${sessionId} is ${sale.resolution ?? 'no longer open'} (${state(sale)}); nothing credited`);
    const e = result.entry;
    const given = e.credits + e.debtPaid;
    if (result.outcome === 'replayed' && (e.userId !== buyer.id || given !== credits)) {
      throw new UsageError(`${TOOL}: ${sessionId} was already credited with ${given} credits to another buyer or amount (entry ${e.id}); nothing changed`);
    }
    io.out(`${result.outcome === 'adjusted' ? 'credited' : 'already credited'}: ${sessionId} (${amount(sale)}) ${signed(given)} credits${paidDebt(e)} to ${buyer.clerkUserId} (${buyer.email}), balance ${e.balanceAfter}, entry ${e.id}, by ${e.actor}: ${e.reason}`);
  });
}

// `npm run billing:ledger -- --user <clerk id | email>`: the buyer's ledger entries, oldest first, and the balance.
// Reads only.
import { listLedger } from '../../src/db/operator';
import { oneBuyer, parse, runTool, signed, type ToolIo } from './cli';

const TOOL = 'billing:ledger';

export function runLedger(argv: string[], io: ToolIo): Promise<number> {
  return runTool(TOOL, io, async () => {
    const a = parse(TOOL, argv, { user: { type: 'string' } });
    const buyer = await oneBuyer(TOOL, io.db, a.user);
    const entries = await listLedger(io.db, buyer.id);
    io.out(`buyer ${buyer.clerkUserId} (${buyer.email}), ${entries.length} entries`);
    for (const e of entries) {
      const extra = [e.shortfall ? `shortfall ${e.shortfall}` : '', e.debtPaid ? `debt paid ${e.debtPaid}` : '', e.reference ? `ref ${e.reference}` : '', e.actor ? `by ${e.actor}` : '', e.reason ? `"${e.reason}"` : ''].filter(Boolean).join(' ');
      io.out(`${e.createdAt}  ${e.kind.padEnd(18)} ${signed(e.credits).padStart(6)}  ${e.cause}${extra ? `  ${extra}` : ''}`);
    }
    io.out(`balance ${buyer.balance}`);
    // Credits given to this buyer (an adjustment included) pay it first (docs/operations.md).
    if (buyer.debt > 0) io.out(`debt ${buyer.debt} (credits reversals could not take back)`);
  });
}

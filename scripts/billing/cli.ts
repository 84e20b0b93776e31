// What the operator tools share: argument parsing with one-line refusals, the acting operator, and the run wrapper
// that turns any failure into one line and an exit code (never a stack trace).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Db } from '../../src/db/client';
import { findBuyers, type Buyer } from '../../src/db/operator';

export interface ToolIo {
  db: Db;
  out: (line: string) => void;
  err: (line: string) => void;
  /** $USER, the default operator name when --actor is not given. */
  user?: string;
  /** The clock (tests move it; default the real time): when a hold counts as expired. */
  now?: () => Date;
}

/** Credits with their sign: `+3`, `-2`. */
export const signed = (n: number): string => `${n > 0 ? '+' : ''}${n}`;

/** What part of a credit paid the buyer's open debt, for a tool's line (nothing when none did). */
export const paidDebt = (e: { credits: number; debtPaid: number }): string =>
  e.debtPaid ? ` (${e.debtPaid} paid an open debt, ${e.credits} to the balance)` : '';

/** A refusal: printed as one line, exit code 2. */
export class UsageError extends Error {}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(tool: string, argv: string[], options: T) {
  // `--credits -3`: a negative number is a value, not an option (parseArgs would call it ambiguous).
  const args = argv.flatMap((a, i) => (/^-\d/.test(a) && argv[i - 1]?.startsWith('--') && !argv[i - 1]!.includes('=') ? [] : /^-\d/.test(argv[i + 1] ?? '') && a.startsWith('--') && !a.includes('=') ? [`${a}=${argv[i + 1]}`] : [a]));
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false, allowNegative: false }).values;
  } catch (err) {
    throw new UsageError(`${tool}: ${(err as Error).message.split('\n')[0]}`);
  }
}

export function actorOf(tool: string, given: string | undefined, io: ToolIo): string {
  const name = (given ?? io.user ?? '').trim();
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name)) throw new UsageError(`${tool}: say who you are with --actor <name> (letters, digits, . _ @ -; $USER is used when set)`);
  return `operator:${name}`;
}

export function reasonOf(tool: string, given: string | undefined): string {
  const reason = given?.trim() ?? '';
  if (reason.length < 3 || reason.length > 500) throw new UsageError(`${tool}: --reason "…" is required (3 to 500 characters): it is kept with the entry`);
  return reason;
}

/** Exactly one buyer by Clerk id or email. */
export async function oneBuyer(tool: string, db: Db, who: string | undefined): Promise<Buyer> {
  if (!who) throw new UsageError(`${tool}: --user <clerk user id | email> is required`);
  const found = await findBuyers(db, who);
  if (found.length === 0) throw new UsageError(`${tool}: no buyer with Clerk id or email ${who}`);
  if (found.length > 1) throw new UsageError(`${tool}: ${found.length} buyers have the email ${who}; name one by Clerk id (${found.map((b) => b.clerkUserId).join(', ')})`);
  return found[0]!;
}

/** Runs a tool: 0 on success, 2 on a refusal, 1 when the database failed (safe to re-run with the same key). */
export async function runTool(tool: string, io: ToolIo, body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(err.message);
      return 2;
    }
    // Never the driver's text (it can carry the connection string); the kind is enough to act on.
    io.err(`${tool}: the database could not be reached or refused the statement (${(err as Error).name}); nothing was half-done: re-run the same command`);
    return 1;
  }
}

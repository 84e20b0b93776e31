// Model-based tests of the credit ledger (issue 19): random sequences of purchases, full and partial refunds, failed
// refunds, disputes opened, won and lost, spends and holds by buyer and service, confirms, releases, expiries (a short
// hold lifetime; the clock moves, nothing sleeps), redeliveries and idempotent replays, run against the real ledger
// on the test run's Postgres server and against the reference model (ledger-model.ts); invariants I1–I5 are checked
// after every step. Seeded: LEDGER_SEED=<n> replays a run, LEDGER_RUNS=<n> changes how many sequences run.
import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { recordFigures } from '../support/figures';
import { servicesFromStack } from '../support/stack';
import { ledgerFigures, runSequence, sequenceArb, type Step } from './ledger-sequences';

const seed = process.env.LEDGER_SEED ? Number(process.env.LEDGER_SEED) : Date.now() % 2_147_483_647;
const runs = Number(process.env.LEDGER_RUNS ?? 1000);
const concurrentRuns = Number(process.env.LEDGER_CONCURRENT_RUNS ?? 40);

recordFigures('adversarial+ledger', () => ({ ...ledgerFigures, db: inject('db') }));

describe(`the ledger against its model (db=${inject('db')}, seed=${seed})`, () => {
  it(`${runs} random sequences keep I1–I5 after every step`, async () => {
    const { db } = await servicesFromStack({ timeoutMs: 30_000 });
    await fc.assert(
      fc.asyncProperty(sequenceArb, async (steps: Step[]) => {
        await runSequence(db, steps, { concurrent: false });
      }),
      { seed, numRuns: runs, verbose: 1 },
    );
    expect(ledgerFigures.ledger_violations).toBe(0);
  }, 280_000);

  it(`${concurrentRuns} sequences with several actors' steps at once keep the same invariants`, async () => {
    const { db } = await servicesFromStack({ timeoutMs: 30_000 });
    await fc.assert(
      fc.asyncProperty(sequenceArb, async (steps: Step[]) => {
        await runSequence(db, steps, { concurrent: true });
      }),
      { seed: seed + 1, numRuns: concurrentRuns, verbose: 1 },
    );
  }, 120_000);
});

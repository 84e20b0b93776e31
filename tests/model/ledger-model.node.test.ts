// Model-based tests of the credit ledger (issue 19): random sequences of purchases, full and partial refunds, failed
// refunds, disputes opened, won and lost, spends and holds by buyer and service, bursts of holds past the 20-hold cap
// (all at once in the concurrent run), operators' adjustments (± credits, through the tool in the whole-way run),
// confirms, releases, expiries (a short hold lifetime; the clock moves, nothing sleeps), redeliveries and idempotent
// replays, run against the real ledger on the test run's Postgres server and against the reference model
// (ledger-model.ts); invariants I1–I6 are checked after every step. Seeded: LEDGER_SEED=<n> replays a run,
// LEDGER_RUNS=<n> changes how many sequences run.
import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { recordFigures } from '../support/figures';
import { servicesFromStack } from '../support/stack';
import { checkoutHarness } from '../support/checkout';
import { FullStackDriver } from './ledger-full-driver';
import { HOLD_TTL_SECONDS, ledgerFigures, runSequence, sequenceArb, type Step } from './ledger-sequences';

// The shrunk counterexamples the model found on the code before issue 19 (LEDGER_MODEL_MODE=legacy), run first on
// every run: defect 1 (a hold outlives a full refund), 2 (a partial refund plus a chargeback of the rest keeps the
// credit), 3 (a won dispute gives back what a later reversal could not take).
const defects: Step[][] = [
  [{ t: 'buy', credits: 1 }, { t: 'buy', credits: 1 }, { t: 'hold', actor: 'buyer', credits: 2 }, { t: 'refund', p: 0, full: true, cents: 0 }, { t: 'settle', h: 0, actor: 'buyer', action: 'release' }],
  [{ t: 'buy', credits: 3 }, { t: 'hold', actor: 'service', credits: 3 }, { t: 'refund', p: 0, full: true, cents: 0 }, { t: 'tick', seconds: 61 }, { t: 'spend', actor: 'buyer', credits: 1 }],
  [{ t: 'buy', credits: 1 }, { t: 'refund', p: 0, full: false, cents: 0 }, { t: 'dispute', p: 0, full: true, cents: 0 }],
  [{ t: 'buy', credits: 3 }, { t: 'refund', p: 0, full: false, cents: 14897 }, { t: 'dispute', p: 0, full: true, cents: 0 }, { t: 'disputeEnd', p: 0, won: false }],
  [{ t: 'buy', credits: 1 }, { t: 'buy', credits: 1 }, { t: 'dispute', p: 1, full: true, cents: 0 }, { t: 'spend', actor: 'buyer', credits: 1 }, { t: 'dispute', p: 0, full: true, cents: 0 }, { t: 'disputeEnd', p: 1, won: true }],
  [{ t: 'buy', credits: 1 }, { t: 'buy', credits: 1 }, { t: 'dispute', p: 1, full: true, cents: 0 }, { t: 'spend', actor: 'buyer', credits: 1 }, { t: 'refund', p: 0, full: true, cents: 0 }, { t: 'disputeEnd', p: 1, won: true }],
  // defect 6: a refund Stripe marks failed gives back exactly what it took (paying the debt first)
  [{ t: 'buy', credits: 3 }, { t: 'spend', actor: 'buyer', credits: 2 }, { t: 'refund', p: 0, full: true, cents: 0 }, { t: 'failRefund', p: 0, r: 0 }, { t: 'spend', actor: 'buyer', credits: 1 }],
  // defect 7: an operator's credit to a buyer in debt went to the balance, so credits nobody paid for could be spent
  // (found by the model once it had an adjust step; ledger_adjust pays the debt first)
  [{ t: 'buy', credits: 1 }, { t: 'spend', actor: 'buyer', credits: 1 }, { t: 'refund', p: 0, full: false, cents: 0 }, { t: 'refund', p: 0, full: false, cents: 0 }, { t: 'adjust', credits: 2 }],
  // defect 5: a buyer cannot settle the service's hold
  [{ t: 'buy', credits: 1 }, { t: 'hold', actor: 'service', credits: 1 }, { t: 'settle', h: 0, actor: 'buyer', action: 'release' }, { t: 'settle', h: 0, actor: 'service', action: 'confirm' }],
];

// Paths the generator reaches only now and then, run first every time: a burst past the 20-hold cap, and the cap
// freed again by expiry.
const reach: Step[][] = [
  [{ t: 'buy', credits: 1 }, { t: 'adjust', credits: 24 }, { t: 'holds', actor: 'buyer', n: 21 }],
  [{ t: 'buy', credits: 3 }, { t: 'adjust', credits: 24 }, { t: 'holds', actor: 'service', n: 20 }, { t: 'hold', actor: 'buyer', credits: 1 }, { t: 'tick', seconds: 61 }, { t: 'holds', actor: 'buyer', n: 19 }],
];

// The suite's seed is fixed so a CI run is reproducible; fresh seeds are run by hand (LEDGER_SEED=random or a number).
const seedSetting = process.env.LEDGER_SEED ?? '20261203';
const seed = seedSetting === 'random' ? Date.now() % 2_147_483_647 : Number(seedSetting);
const runs = Number(process.env.LEDGER_RUNS ?? 1000);
const concurrentRuns = Number(process.env.LEDGER_CONCURRENT_RUNS ?? 100);
const fullRuns = Number(process.env.LEDGER_FULL_RUNS ?? 150);

recordFigures('adversarial+ledger', () => ({ ...ledgerFigures, db: inject('db') }));

describe(`the ledger against its model (db=${inject('db')}, seed=${seed})`, () => {
  it(`${runs} random sequences keep I1–I6 after every step`, async () => {
    const { db } = await servicesFromStack({ timeoutMs: 30_000 });
    await fc.assert(
      fc.asyncProperty(sequenceArb, async (steps: Step[]) => {
        await runSequence(db, steps, { concurrent: false });
      }),
      { seed, numRuns: runs, verbose: 1, examples: [...defects, ...reach].map((d) => [d] as [Step[]]) },
    );
    expect(ledgerFigures.ledger_violations).toBe(0);
    // The cap was reached, not only stayed under: the examples above alone answer hold_limit_reached twice.
    expect(ledgerFigures.ledger_hold_limit_answers).toBeGreaterThanOrEqual(2);
  }, 280_000);

  it(`${concurrentRuns} sequences with several actors' steps at once keep the same invariants`, async () => {
    const { db } = await servicesFromStack({ timeoutMs: 30_000 });
    await fc.assert(
      fc.asyncProperty(sequenceArb, async (steps: Step[]) => {
        await runSequence(db, steps, { concurrent: true });
      }),
      { seed: seed + 1, numRuns: concurrentRuns, verbose: 1, examples: reach.map((d) => [d] as [Step[]]) },
    );
  }, 120_000);

  it(`${fullRuns} sequences the whole way: checkout, the Stripe emulator, signed events to the webhook core, the credits core, the Neon endpoint`, async () => {
    const h = await checkoutHarness({ timeoutMs: 30_000 });
    await fc.assert(
      fc.asyncProperty(sequenceArb, async (steps: Step[]) => {
        await runSequence(h.db, steps, { concurrent: false, driver: (clock) => new FullStackDriver(h, HOLD_TTL_SECONDS, clock) });
      }),
      { seed: seed + 2, numRuns: fullRuns, verbose: 1, examples: [...defects.slice(0, 3), reach[0]!].map((d) => [d] as [Step[]]) },
    );
  }, 200_000);
});

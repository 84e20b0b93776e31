// The steps of the model-based ledger tests, their generator, and the interpreter that runs one sequence against the
// real ledger (LedgerDriver) and the reference model (LedgerModel), checking I1–I5 after every step. What the buyer
// is entitled to is what the payments kept plus the operators' accepted adjustments (signed):
//   I1  the stored balance ≥ 0 and equals the sum of the buyer's ledger entries;
//   I2  available + held never exceed what the money kept allows: usable + held ≤ max(0, entitled − consumed), and
//       (policy mode) usable + held = 0 while a debt is open;
//   I3  no accepted spend or confirm overdraws (every answered balance ≥ 0);
//   I4  a replay answers what the first answered; a redelivered event changes nothing;
//   I5  no buyer is under-credited: usable + held + consumed − debt = entitled exactly (policy mode), so the only
//       under-crediting is the rounding rule's (< 1 credit per payment);
//   I6  a buyer never has more than 20 live holds (HOLD_LIMIT), however many are asked for at once.
// In policy mode the ledger must also agree with the model exactly (usable, held, debt) after every sequential step.
import fc from 'fast-check';
import type { Db } from '@/db/client';
import { LedgerDriver, type Answer, type Charge, type LedgerPort } from './ledger-driver';
import { HOLD_LIMIT, LedgerModel, refundableOf, type Actor } from './ledger-model';

export type Step =
  | { t: 'buy'; credits: 1 | 3 }
  | { t: 'refund'; p: number; full: boolean; cents: number }
  | { t: 'failRefund'; p: number; r: number }
  | { t: 'dispute'; p: number; full: boolean; cents: number }
  | { t: 'disputeEnd'; p: number; won: boolean }
  | { t: 'spend'; actor: Actor; credits: number }
  | { t: 'hold'; actor: Actor; credits: number }
  /** A burst of `n` one-credit holds: one after another, or all at once in the concurrent run (races at the cap). */
  | { t: 'holds'; actor: Actor; n: number }
  | { t: 'settle'; h: number; actor: Actor; action: 'confirm' | 'release' }
  | { t: 'tick'; seconds: number }
  | { t: 'adjust'; credits: number }
  | { t: 'replay'; i: number }
  | { t: 'redeliver'; p: number };

/** `legacy` checks only the bounds, with the rounding today's code meant (floor of the reversed share of the total). */
export const mode: 'policy' | 'legacy' = process.env.LEDGER_MODEL_MODE === 'legacy' ? 'legacy' : 'policy';
const allowed = process.env.LEDGER_OPS?.split(',');
/** Only full refunds and disputes (LEDGER_FULL_ONLY=1), to aim a run at one defect. */
const fullOnly = process.env.LEDGER_FULL_ONLY === '1';
const buysFirst = process.env.LEDGER_BUYS_FIRST === '1';

export const HOLD_TTL_SECONDS = 60;

const actor = fc.constantFrom<Actor>('buyer', 'service');
const idx = fc.nat({ max: 7 });
const arbs: Record<Step['t'], fc.Arbitrary<Step>> = {
  buy: fc.record({ t: fc.constant('buy' as const), credits: fc.constantFrom<1 | 3>(1, 3) }),
  refund: fc.record({ t: fc.constant('refund' as const), p: idx, full: fc.boolean(), cents: fc.nat({ max: 20_000 }) }),
  failRefund: fc.record({ t: fc.constant('failRefund' as const), p: idx, r: idx }),
  dispute: fc.record({ t: fc.constant('dispute' as const), p: idx, full: fc.boolean(), cents: fc.nat({ max: 20_000 }) }),
  disputeEnd: fc.record({ t: fc.constant('disputeEnd' as const), p: idx, won: fc.boolean() }),
  spend: fc.record({ t: fc.constant('spend' as const), actor, credits: fc.integer({ min: 1, max: 3 }) }),
  hold: fc.record({ t: fc.constant('hold' as const), actor, credits: fc.integer({ min: 1, max: 3 }) }),
  holds: fc.record({ t: fc.constant('holds' as const), actor, n: fc.integer({ min: HOLD_LIMIT - 1, max: HOLD_LIMIT + 1 }) }),
  settle: fc.record({ t: fc.constant('settle' as const), h: idx, actor, action: fc.constantFrom<'confirm' | 'release'>('confirm', 'release') }),
  tick: fc.record({ t: fc.constant('tick' as const), seconds: fc.constantFrom(30, 61) }),
  adjust: fc.record({ t: fc.constant('adjust' as const), credits: fc.oneof(fc.constantFrom(-3, -2, -1, 1, 2, 3), fc.constant(24)) }),
  replay: fc.record({ t: fc.constant('replay' as const), i: fc.nat({ max: 30 }) }),
  redeliver: fc.record({ t: fc.constant('redeliver' as const), p: idx }),
};
// adjust: half of them a credit of 24, so a burst of holds can reach the cap in about one sequence in ten.
const weights: Partial<Record<Step['t'], number>> = { buy: 3, refund: 2, dispute: 2, spend: 2, hold: 3, settle: 3, adjust: 2 };

export const sequenceArb = fc.array(
  fc.oneof(...(Object.keys(arbs) as Step['t'][]).filter((t) => !allowed || allowed.includes(t)).map((t) => ({ arbitrary: arbs[t], weight: weights[t] ?? 1 }))),
  // size 'max': fast-check's default size keeps arrays near 10 whatever maxLength says; a ledger's bugs need depth.
  { minLength: 3, maxLength: Number(process.env.LEDGER_MAX_STEPS ?? 16), size: 'max' },
);

/** `ledger_hold_limit_answers`: holds the ledger refused at the cap, so a run shows it reached I6's edge. */
export const ledgerFigures = { ledger_sequences: 0, ledger_steps: 0, ledger_violations: 0, ledger_hold_limit_answers: 0 };

interface Debit { actor: Actor; key: string; kind: 'spend' | 'hold'; credits: number; answer: Answer }
interface Adjustment { key: string; credits: number; answer: Answer }

class Violation extends Error {}

const legacyEntitled = (c: Charge) => {
  const returned = c.refunds.filter((r) => r.status === 'succeeded').reduce((n, r) => n + r.amount, 0) + (c.dispute && c.dispute.status !== 'won' ? c.dispute.amount : 0);
  return c.p.credits - Math.floor((c.p.credits * returned) / c.p.amount);
};

export interface SequenceOptions {
  concurrent: boolean;
  /** The driver to run against; default the direct one on `db`. Gets the sequence's clock. */
  driver?: (clock: () => Date) => LedgerPort;
}

export async function runSequence(db: Db, steps: Step[], { concurrent, driver: makeDriver }: SequenceOptions): Promise<void> {
  let offsetMs = 0;
  const base = Date.now();
  const model = new LedgerModel(HOLD_TTL_SECONDS * 1000);
  const clock = () => new Date(base + offsetMs);
  const driver = makeDriver ? makeDriver(clock) : new LedgerDriver(db, HOLD_TTL_SECONDS, clock);
  await driver.init();
  const charges: Charge[] = [];
  const debits: Debit[] = [];
  const adjustments: Adjustment[] = [];
  /** The accepted adjustments' credits, from the ledger's answers (in a concurrent round the model cannot know them). */
  let adjusted = 0;
  const holds: { id: string; model: LedgerModel['holds'][number] | undefined }[] = [];
  ledgerFigures.ledger_sequences++;

  const fail = (message: string) => {
    ledgerFigures.ledger_violations++;
    throw new Violation(message);
  };
  const pick = <T>(list: T[], i: number) => (list.length ? list[i % list.length] : undefined);


  function planDebit(kind: 'spend' | 'hold', who: Actor, credits: number): () => Promise<void> {
    const key = driver.id('key');
    const expected = kind === 'spend' ? model.spend(credits) : model.hold(key, who, credits);
    const debit: Debit = { actor: who, key, kind, credits, answer: { status: 0, body: null } };
    debits.push(debit);
    const modelHold = kind === 'hold' && expected === 'ok' ? model.holds.at(-1)! : undefined;
    return async () => {
      debit.answer = kind === 'spend' ? await driver.spend(who, key, credits) : await driver.hold(who, key, credits);
      const body = debit.answer.body as { id?: string; code?: string; balance?: number };
      const got = debit.answer.status === 200 ? 'ok' : body.code;
      if (got === 'hold_limit_reached') ledgerFigures.ledger_hold_limit_answers++;
      if (typeof body.balance === 'number' && body.balance < 0) fail(`I3: ${kind} answered balance ${body.balance}`);
      if (!concurrent && mode === 'policy' && got !== expected) fail(`model: ${kind} answered ${got}, the model ${expected}`);
      if (got === 'ok' && kind === 'hold') holds.push({ id: body.id!, model: modelHold });
    };
  }

  /** Applies one step to the model and the ledger; returns the ledger's call (to run now or at once with others). */
  function plan(step: Step): (() => Promise<void>) | null {
    switch (step.t) {
      case 'buy': {
        // LEDGER_BUYS_FIRST=1: no purchase after a reversal (today's code forgives a shortfall a later purchase
        // would pay; that is a choice, not one of the defects a run may be aimed at).
        if (buysFirst && charges.some((c) => c.refunds.length || c.dispute)) return null;
        const p = model.buy(step.credits);
        const charge: Charge = { p, paymentIntentId: '', refunds: [], dispute: null };
        charges.push(charge);
        return () => driver.buy(charge);
      }
      case 'refund': {
        const c = pick(charges.filter((x) => !x.dispute && refundableOf(x.p) > 0), step.p);
        if (!c) return null;
        const left = refundableOf(c.p);
        const amount = step.full || fullOnly || left === 1 ? left : 1 + (step.cents % (left - 1));
        const refund = { id: driver.id('re_model'), amount, status: 'succeeded' as const };
        c.refunds.push(refund);
        c.p.refunds.push({ ...refund });
        model.retarget(c.p);
        return () => driver.refund(c);
      }
      case 'failRefund': {
        const c = pick(charges.filter((x) => x.refunds.some((r) => r.status === 'succeeded')), step.p);
        if (!c) return null;
        const r = pick(c.refunds.filter((x) => x.status === 'succeeded'), step.r)!;
        r.status = 'failed';
        c.p.refunds.find((x) => x.id === r.id)!.status = 'failed';
        model.retarget(c.p);
        return () => driver.failRefund(c, r);
      }
      case 'dispute': {
        const c = pick(charges.filter((x) => !x.dispute && refundableOf(x.p) > 0), step.p);
        if (!c) return null;
        const left = refundableOf(c.p);
        const amount = step.full || fullOnly || left === 1 ? left : 1 + (step.cents % (left - 1));
        c.dispute = { id: driver.id('du_model'), amount, status: 'open' };
        c.p.dispute = { ...c.dispute };
        model.retarget(c.p);
        return () => driver.dispute(c);
      }
      case 'disputeEnd': {
        const c = pick(charges.filter((x) => x.dispute?.status === 'open'), step.p);
        if (!c) return null;
        c.dispute!.status = step.won ? 'won' : 'lost';
        c.p.dispute!.status = c.dispute!.status;
        model.retarget(c.p);
        return () => driver.disputeEnd(c);
      }
      case 'spend':
      case 'hold':
        return planDebit(step.t, step.actor, step.credits);
      case 'holds': {
        // Only where the burst can reach the cap (after an operator's large credit): elsewhere it is a row of refusals.
        if (model.usable < HOLD_LIMIT / 2) return null;
        const calls = Array.from({ length: step.n }, () => planDebit('hold', step.actor, 1));
        return async () => {
          if (concurrent) await Promise.all(calls.map((c) => c()));
          else for (const c of calls) await c();
        };
      }
      case 'settle': {
        const h = pick(holds, step.h);
        if (!h) return null;
        const expected = h.model ? model.settle(h.model, step.actor, step.action) : undefined;
        return async () => {
          const answer = await driver.settle(step.actor, h.id, step.action);
          const body = answer.body as { settlement?: string; code?: string };
          const got = answer.status === 200 ? body.settlement : body.code;
          if (!concurrent && mode === 'policy' && got !== expected) fail(`model: ${step.action} of a ${h.model?.actor}'s hold by the ${step.actor} answered ${got}, the model ${expected}`);
        };
      }
      case 'adjust': {
        if (!charges.length) return null; // an operator adjusts a buyer who has bought
        const key = driver.id('adj');
        const expected = model.adjust(step.credits);
        const adjustment: Adjustment = { key, credits: step.credits, answer: { status: 0, body: null } };
        adjustments.push(adjustment);
        return async () => {
          adjustment.answer = await driver.adjust(key, step.credits);
          const got = (adjustment.answer.body as { outcome: string }).outcome;
          if (got === 'adjusted') adjusted += step.credits;
          if (!concurrent && mode === 'policy' && got !== expected) fail(`model: an adjustment of ${step.credits} answered ${got}, the model ${expected}`);
        };
      }
      case 'tick':
        model.tick(step.seconds * 1000);
        return () => {
          offsetMs += step.seconds * 1000;
          return Promise.resolve();
        };
      case 'replay': {
        const adjustment = step.i % 2 ? pick(adjustments.filter((x) => (x.answer.body as { outcome?: string } | null)?.outcome === 'adjusted'), step.i) : undefined;
        if (adjustment) {
          return async () => {
            const before = concurrent ? null : await driver.observe();
            const again = await driver.adjust(adjustment.key, adjustment.credits);
            const first = adjustment.answer.body as { id: string };
            if (JSON.stringify(again.body) !== JSON.stringify({ outcome: 'replayed', id: first.id })) fail(`I4: a replay of adjustment ${adjustment.key} answered ${JSON.stringify(again)}, first ${JSON.stringify(adjustment.answer)}`);
            const after = concurrent ? null : await driver.observe();
            if (JSON.stringify(before) !== JSON.stringify(after)) fail(`I4: a replayed adjustment moved the ledger: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
          };
        }
        const d = pick(debits.filter((x) => x.answer.status === 200), step.i);
        if (!d) return null;
        return async () => {
          const again = d.kind === 'spend' ? await driver.spend(d.actor, d.key, d.credits) : await driver.hold(d.actor, d.key, d.credits);
          if (JSON.stringify(again) !== JSON.stringify(d.answer)) fail(`I4: a replay of ${d.kind} ${d.key} answered ${JSON.stringify(again)}, first ${JSON.stringify(d.answer)}`);
        };
      }
      case 'redeliver': {
        const c = pick(charges.filter((x) => x.refunds.length || x.dispute), step.p);
        if (!c) return null;
        return async () => {
          // Concurrently other steps move the ledger meanwhile: the round's invariants judge the redelivery then.
          const before = concurrent ? null : await driver.observe();
          await driver.redeliver(c);
          const after = concurrent ? null : await driver.observe();
          if (JSON.stringify(before) !== JSON.stringify(after)) fail(`I4: a redelivery moved the ledger: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
        };
      }
    }
  }

  async function check(where: string, exact: boolean): Promise<void> {
    const o = await driver.observe();
    const entitled = (mode === 'legacy' ? charges.reduce((n, c) => n + legacyEntitled(c), 0) : model.entitled) + adjusted;
    const at = `${where}: ledger ${JSON.stringify(o)}, model ${JSON.stringify({ usable: model.usable, held: model.held, debt: model.debt, consumed: model.consumed, entitled })}`;
    if (o.balance < 0 || o.balance !== o.entriesSum) fail(`I1 ${at}`);
    if (o.usable + o.held > Math.max(0, entitled - o.consumed)) fail(`I2 ${at}`);
    if (o.liveHolds > HOLD_LIMIT) fail(`I6 ${at}`);
    if (mode === 'legacy') return;
    if (o.debt > 0 && o.usable + o.held > 0) fail(`I2 (debt open) ${at}`);
    if (o.usable + o.held + o.consumed - o.debt !== entitled) fail(`I5 ${at}`);
    if (exact && o.liveHolds !== model.liveHolds) fail(`model (live holds ${model.liveHolds}) ${at}`);
    if (exact && (o.usable !== model.usable || o.held !== model.held || o.debt !== model.debt || o.consumed !== model.consumed)) fail(`model ${at}`);
  }

  if (!concurrent) {
    for (const [i, step] of steps.entries()) {
      const call = plan(step);
      if (!call) continue;
      ledgerFigures.ledger_steps++;
      try {
        await call();
      } catch (err) {
        if (err instanceof Violation) throw new Violation(`step ${i} ${JSON.stringify(step)}: ${err.message}`);
        throw err;
      }
      await check(`after step ${i} ${JSON.stringify(step)}`, true);
    }
    return;
  }
  // Concurrent: the sequence in rounds of up to 4 steps run at once on parallel connections. The model cannot know the
  // order they landed in, so each round ends with the order-free invariants; debits are planned against a model that
  // is not consulted for their answers.
  // A round's purchases are credited first: a refund's event never overtakes its purchase here (the webhook core
  // fulfils the session first when it does; the full-stack test covers that).
  for (let i = 0; i < steps.length; i += 4) {
    const round = steps.slice(i, i + 4);
    const buys = round.filter((s) => s.t === 'buy').map(plan).filter((c): c is () => Promise<void> => c !== null);
    for (const buy of buys) await buy();
    const calls = round.filter((s) => s.t !== 'buy').map(plan).filter((c): c is () => Promise<void> => c !== null);
    ledgerFigures.ledger_steps += buys.length + calls.length;
    await Promise.all(calls.map((c) => c()));
    await checkConcurrent(`after round ${i / 4}`);
  }

  async function checkConcurrent(where: string): Promise<void> {
    const o = await driver.observe();
    const entitled = (mode === 'legacy' ? charges.reduce((n, c) => n + legacyEntitled(c), 0) : model.entitled) + adjusted;
    const at = `${where}: ledger ${JSON.stringify(o)}, entitled ${entitled}`;
    if (o.balance < 0 || o.balance !== o.entriesSum) fail(`I1 ${at}`);
    if (o.usable + o.held > Math.max(0, entitled - o.consumed)) fail(`I2 ${at}`);
    if (o.liveHolds > HOLD_LIMIT) fail(`I6 ${at}`);
    if (mode === 'legacy') return;
    if (o.debt > 0 && o.usable + o.held > 0) fail(`I2 (debt open) ${at}`);
    if (o.usable + o.held + o.consumed - o.debt !== entitled) fail(`I5 ${at}`);
  }
}

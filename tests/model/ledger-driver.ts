// Drives the real ledger (src/db statements and the credits cores) on the test run's database for the model-based
// tests: one buyer per sequence, the Stripe side (charges, refunds, disputes) kept here as plain records, each event
// applied the way the webhook handlers apply it. Reads the buyer back with plain SQL.
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { creditPaidPurchase, reverseCredits, type Reversal } from '@/db/fulfilment';
import { adjustBalance } from '@/db/operator';
import { disputeReversals, refundReversals } from '@/lib/fulfilment/apply-reversals';
import { confirmHold } from '@/lib/credits/confirm-hold';
import { holdCredits } from '@/lib/credits/hold-credits';
import { releaseHold } from '@/lib/credits/release-hold';
import { spendCredits } from '@/lib/credits/spend-credits';
import { BillingError } from '@/lib/http';
import type { Actor } from './ledger-model';

export interface Observed {
  balance: number;
  entriesSum: number;
  /** Stored balance plus expired, unsettled holds. */
  usable: number;
  held: number;
  debt: number;
  consumed: number;
  liveHolds: number;
}

export type Answer = { status: number; body: unknown };

/** A charge as the sequences know it: the model's purchase, and what the driver needs to name it to Stripe. */
export interface Charge {
  p: import('./ledger-model').ModelPurchase;
  paymentIntentId: string;
  chargeId?: string;
  refunds: { id: string; amount: number; status: 'succeeded' | 'failed'; stripeId?: string }[];
  dispute: { id: string; amount: number; status: 'open' | 'won' | 'lost'; stripeId?: string } | null;
}

/** What a sequence does to the ledger: directly (LedgerDriver) or the whole way through Stripe (FullStackDriver). */
export interface LedgerPort {
  init(): Promise<void>;
  id(prefix: string): string;
  buy(charge: Charge): Promise<void>;
  refund(charge: Charge): Promise<void>;
  failRefund(charge: Charge, refund: Charge['refunds'][number]): Promise<void>;
  dispute(charge: Charge): Promise<void>;
  disputeEnd(charge: Charge): Promise<void>;
  redeliver(charge: Charge): Promise<void>;
  spend(actor: Actor, key: string, credits: number): Promise<Answer>;
  hold(actor: Actor, key: string, credits: number): Promise<Answer>;
  settle(actor: Actor, holdId: string, action: 'confirm' | 'release'): Promise<Answer>;
  /** An operator's adjustment under `key`: body `{ outcome, id? }` (adjusted | replayed | refused). */
  adjust(key: string, credits: number): Promise<Answer>;
  observe(): Promise<Observed>;
}

let run = 0;

export class LedgerDriver implements LedgerPort {
  readonly clerkUserId: string;
  readonly userId: string;
  private n = 0;

  constructor(readonly db: Db, readonly holdTtlSeconds: number, readonly clock: () => Date, label = 'model') {
    const id = `${label}_${Date.now().toString(36)}_${(run++).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    this.clerkUserId = `user_${id}`;
    this.userId = `usr_${id}`;
  }

  async init(): Promise<void> {
    await this.db.execute(sql`insert into users (id, clerk_user_id, email) values (${this.userId}, ${this.clerkUserId}, ${`${this.clerkUserId}@example.com`})`);
  }

  id(prefix: string): string {
    return `${prefix}_${this.userId.slice(4)}_${this.n++}`;
  }

  async buy(charge: Charge): Promise<void> {
    charge.paymentIntentId = this.id('pi_model');
    await creditPaidPurchase(this.db, {
      stripeCheckoutSessionId: this.id('cs_model'),
      stripePaymentIntentId: charge.paymentIntentId,
      stripeCustomerId: null,
      appUserId: this.userId,
      clerkUserId: this.clerkUserId,
      priceId: charge.p.credits === 1 ? 'price_local_single_flight' : 'price_local_serial_entrepreneur',
      creditQty: charge.p.credits,
      amountCents: charge.p.amount,
      currency: 'usd',
    });
  }

  /** A refund event: the handler re-reads every refund of the charge, oldest first, and applies their states. */
  private refundEvent(c: Charge): Promise<void> {
    return this.reverse(refundReversals(c.paymentIntentId, c.refunds, this.clock()));
  }

  private disputeEvent(c: Charge): Promise<void> {
    return this.reverse(disputeReversals(c.paymentIntentId, c.dispute!, this.clock()));
  }

  /** In order, one ledger statement each, as reversePayment runs them for a credited purchase. */
  private async reverse(reversals: Reversal[]): Promise<void> {
    for (const r of reversals) await reverseCredits(this.db, r);
  }

  async refund(c: Charge): Promise<void> {
    await this.refundEvent(c);
  }

  async failRefund(c: Charge): Promise<void> {
    await this.refundEvent(c);
  }

  async dispute(c: Charge): Promise<void> {
    await this.disputeEvent(c);
  }

  async disputeEnd(c: Charge): Promise<void> {
    await this.disputeEvent(c);
  }

  async redeliver(c: Charge): Promise<void> {
    if (c.dispute) await this.disputeEvent(c);
    if (c.refunds.length) await this.refundEvent(c);
  }

  private async answer(run: () => Promise<unknown>): Promise<Answer> {
    try {
      return { status: 200, body: await run() };
    } catch (err) {
      if (err instanceof BillingError) return { status: err.status, body: { code: err.code, ...err.details } };
      throw err;
    }
  }

  spend(actor: Actor, key: string, credits: number): Promise<Answer> {
    const req = { clerkUserId: this.clerkUserId, credits, reference: null, idempotencyKey: key, actor };
    return this.answer(async () => {
      const done = await spendCredits(this.db, req, this.clock());
      return { id: done.entry.id, balance: done.entry.balanceAfter };
    });
  }

  hold(actor: Actor, key: string, credits: number): Promise<Answer> {
    const req = { clerkUserId: this.clerkUserId, credits, reference: null, idempotencyKey: key, actor };
    return this.answer(async () => {
      const done = await holdCredits(this.db, req, this.clock(), this.holdTtlSeconds);
      return { id: done.entry.id, balance: done.entry.balanceAfter };
    });
  }

  settle(actor: Actor, holdId: string, action: 'confirm' | 'release'): Promise<Answer> {
    return this.answer(async () => {
      const s = await (action === 'confirm' ? confirmHold : releaseHold)(this.db, this.clerkUserId, holdId, this.clock(), actor);
      return { settlement: s.settlement };
    });
  }

  async adjust(key: string, credits: number): Promise<Answer> {
    const r = await adjustBalance(this.db, { userId: this.userId, credits, key, actor: 'operator:model', reason: 'model step', now: this.clock() });
    return { status: 200, body: 'entry' in r ? { outcome: r.outcome, id: r.entry.id } : { outcome: r.outcome } };
  }

  observe(): Promise<Observed> {
    return LedgerDriver.observeUser(this.db, this.userId, this.clock());
  }

  /** The buyer's ledger as the invariants read it, by users.id, at the sequence's clock. */
  static async observeUser(db: Db, userId: string, clock: Date): Promise<Observed> {
    const now = clock.toISOString();
    const result = await db.execute(sql`
      with u as (select * from users where id = ${userId}),
      open_holds as (
        select h.credits, h.expires_at from credit_entries h
        where h.user_id = ${userId} and h.kind = 'hold'
          and not exists (select 1 from credit_entries s where s.cause = 'hold_settle:' || h.id)
      )
      select (select credit_balance from u) as balance,
             (select to_jsonb(u) ->> 'credit_debt' from u) as debt,
             (select coalesce(sum(credits), 0) from credit_entries where user_id = ${userId}) as entries_sum,
             (select coalesce(sum(-credits), 0) from open_holds where expires_at <= ${now}::timestamptz) as expired,
             (select coalesce(sum(-credits), 0) from open_holds where expires_at > ${now}::timestamptz) as held,
             (select count(*) from open_holds where expires_at > ${now}::timestamptz) as live_holds,
             (select coalesce(sum(-credits), 0) from credit_entries where user_id = ${userId} and kind = 'spend') +
             (select coalesce(sum(-h.credits), 0) from credit_entries h join credit_entries s on s.cause = 'hold_settle:' || h.id
               where h.user_id = ${userId} and s.kind = 'hold_confirm') as consumed`);
    const row = result.rows[0]!;
    const balance = Number(row.balance);
    return {
      balance,
      entriesSum: Number(row.entries_sum),
      usable: balance + Number(row.expired),
      held: Number(row.held),
      debt: Number(row.debt ?? 0),
      consumed: Number(row.consumed),
      liveHolds: Number(row.live_holds),
    };
  }
}

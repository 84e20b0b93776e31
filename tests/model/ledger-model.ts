// The reference model of the credit ledger (docs/fulfilment-and-ledger.md, "The ledger's policy"), in plain TypeScript:
// what a buyer must have after any sequence of purchases, refunds, disputes, spends and holds. The model-based tests
// run the same sequence against the real ledger on Postgres and compare after every step.
//
// Policy, in short: per payment, `returned` is the money that went back (succeeded refunds + open or lost disputes;
// a failed/canceled refund or a won dispute leaves the total); the payment entitles the buyer to
// entitled = floor(credits × (amount − returned) / amount); its reversed credits are credits − entitled. When that
// target grows, the difference is taken from available credits first (expired holds count as available), then from
// unsettled holds (newest first; a taken hold answers 409 hold_reversed, any surplus of it returns), and the rest is a
// debt. When the target shrinks, or a hold is released, or credits are bought or given by an operator, they pay the
// debt first. An operator's negative adjustment never takes the balance below zero.

export type Actor = 'buyer' | 'service';
export const PRICES = { 1: 7900, 3: 14900 } as const;
export const HOLD_LIMIT = 20;

export interface ModelRefund { id: string; amount: number; status: 'succeeded' | 'failed' }
export interface ModelDispute { id: string; amount: number; status: 'open' | 'won' | 'lost' }
export interface ModelPurchase { credits: 1 | 3; amount: number; reversed: number; refunds: ModelRefund[]; dispute: ModelDispute | null }
export interface ModelHold { key: string; actor: Actor; credits: number; expiresAt: number; state: 'held' | 'confirmed' | 'released' | 'expired' | 'reversed' }

/** `legacy` is the rounding today's code used per reversal (floor of each share), kept to find defects on old code. */
export type Rounding = 'policy' | 'legacy';

export const returnedOf = (p: ModelPurchase) =>
  p.refunds.filter((r) => r.status === 'succeeded').reduce((n, r) => n + r.amount, 0) +
  (p.dispute && p.dispute.status !== 'won' ? p.dispute.amount : 0);

/** THE rounding rule: the credits a payment still entitles its buyer to. */
export const entitledOf = (p: ModelPurchase) => Math.floor((p.credits * (p.amount - returnedOf(p))) / p.amount);

/** Money still on the charge that a new refund or dispute may take. */
export const refundableOf = (p: ModelPurchase) => p.amount - returnedOf(p);

export class LedgerModel {
  available = 0;
  debt = 0;
  consumed = 0;
  /** The operators' accepted adjustments, signed: part of what the buyer is entitled to. */
  adjusted = 0;
  purchases: ModelPurchase[] = [];
  holds: ModelHold[] = [];
  now = 0;

  constructor(readonly holdTtlMs: number) {}

  /** Expired holds' credits are available: nothing has to run for that. */
  private expire(): void {
    for (const h of this.holds) if (h.state === 'held' && h.expiresAt <= this.now) { h.state = 'expired'; this.giveBack(h.credits); }
  }

  private giveBack(n: number): void {
    const paid = Math.min(this.debt, n);
    this.debt -= paid;
    this.available += n - paid;
  }

  private take(n: number): void {
    this.expire();
    const fromAvailable = Math.min(this.available, n);
    this.available -= fromAvailable;
    n -= fromAvailable;
    for (let i = this.holds.length - 1; i >= 0 && n > 0; i--) {
      const h = this.holds[i]!;
      if (h.state !== 'held') continue;
      h.state = 'reversed';
      const used = Math.min(h.credits, n);
      n -= used;
      this.giveBack(h.credits - used);
    }
    this.debt += n;
  }

  /** Brings a payment's reversed credits to its target (the running total, one rounding). */
  retarget(p: ModelPurchase): void {
    const target = p.credits - entitledOf(p);
    const delta = target - p.reversed;
    p.reversed = target;
    if (delta > 0) this.take(delta);
    else if (delta < 0) { this.expire(); this.giveBack(-delta); }
  }

  buy(credits: 1 | 3): ModelPurchase {
    this.expire();
    const p: ModelPurchase = { credits, amount: PRICES[credits], reversed: 0, refunds: [], dispute: null };
    this.purchases.push(p);
    this.giveBack(credits);
    return p;
  }

  /** An operator's adjustment (`billing:adjust`): credits given pay the debt first; taking more than is available is refused. */
  adjust(n: number): 'adjusted' | 'refused' {
    this.expire();
    if (n < 0 && this.available < -n) return 'refused';
    if (n < 0) this.available += n;
    else this.giveBack(n);
    this.adjusted += n;
    return 'adjusted';
  }

  get held(): number {
    return this.holds.filter((h) => h.state === 'held' && h.expiresAt > this.now).reduce((n, h) => n + h.credits, 0);
  }

  get liveHolds(): number {
    return this.holds.filter((h) => h.state === 'held' && h.expiresAt > this.now).length;
  }

  /** Available including expired holds, as a statement would see it. */
  get usable(): number {
    return this.available + this.holds.filter((h) => h.state === 'held' && h.expiresAt <= this.now).reduce((n, h) => n + h.credits, 0);
  }

  get entitled(): number {
    return this.purchases.reduce((n, p) => n + entitledOf(p), 0);
  }

  spend(n: number): 'ok' | 'insufficient_credits' {
    this.expire();
    if (this.available < n) return 'insufficient_credits';
    this.available -= n;
    this.consumed += n;
    return 'ok';
  }

  hold(key: string, actor: Actor, n: number): 'ok' | 'insufficient_credits' | 'hold_limit_reached' {
    this.expire();
    if (this.holds.filter((h) => h.state === 'held').length >= HOLD_LIMIT) return 'hold_limit_reached';
    if (this.available < n) return 'insufficient_credits';
    this.available -= n;
    this.holds.push({ key, actor, credits: n, expiresAt: this.now + this.holdTtlMs, state: 'held' });
    return 'ok';
  }

  /** What a confirm or release answers: the settled state, or an error code. */
  settle(h: ModelHold, actor: Actor, action: 'confirm' | 'release'): string {
    this.expire();
    if (actor === 'buyer' && h.actor === 'service') return 'hold_not_owner';
    if (h.state === 'held') {
      if (action === 'confirm') { h.state = 'confirmed'; this.consumed += h.credits; return 'confirmed'; }
      h.state = 'released';
      this.giveBack(h.credits);
      return 'released';
    }
    if (h.state === 'reversed') return 'hold_reversed';
    if (action === 'confirm') return h.state === 'confirmed' ? 'confirmed' : h.state === 'released' ? 'hold_released' : 'hold_expired';
    return h.state === 'confirmed' ? 'hold_confirmed' : h.state;
  }

  tick(ms: number): void {
    this.now += ms;
  }
}

// A spend or a hold under the caller's idempotency key: one ledger statement, then the answer a replay must repeat.
import { debitCredits, MAX_LIVE_HOLDS, type EntryView, type Settlement } from '@/db/credits';
import type { Db } from '@/db/client';
import { BillingError, callUpstream } from '@/lib/http';
import type { CreditsRequest } from './parse-credits-request';

export interface DebitOutcome {
  entry: EntryView;
  replayed: boolean;
  /** A replayed hold: how it has been settled since (null while it is still held). */
  settlement: Settlement | null;
  /** A replayed hold whose status changed: the buyer's balance now (else the entry's balance after). */
  balance: number | null;
}

/** The ledger cause of a debit: per buyer, and per caller (the buyer's keys and the service's never meet). */
const debitCause = (kind: 'spend' | 'hold', req: Pick<CreditsRequest, 'clerkUserId' | 'idempotencyKey' | 'actor'>) =>
  req.actor === 'service' ? `${kind}:service:${req.clerkUserId}:${req.idempotencyKey}` : `${kind}:${req.clerkUserId}:${req.idempotencyKey}`;

export async function debitWithKey(db: Db, kind: 'spend' | 'hold', req: CreditsRequest, now: Date, holdTtlSeconds = 0): Promise<DebitOutcome> {
  const result = await callUpstream('db', () =>
    debitCredits(db, {
      clerkUserId: req.clerkUserId,
      kind,
      credits: req.credits,
      reference: req.reference,
      cause: debitCause(kind, req),
      actor: req.actor,
      now,
      expiresAt: kind === 'hold' ? new Date(now.getTime() + holdTtlSeconds * 1000) : null,
    }),
  );
  if (result.outcome === 'insufficient') {
    throw new BillingError('insufficient_credits', `This needs ${req.credits} credits; the balance is ${result.balance}.`, {
      details: { balance: result.balance, required: req.credits },
    });
  }
  if (result.outcome === 'hold_limit') {
    throw new BillingError('hold_limit_reached', `A buyer may have at most ${MAX_LIVE_HOLDS} holds open at once; confirm or release one first.`, {
      details: { limit: MAX_LIVE_HOLDS },
    });
  }
  const { entry } = result;
  if (result.outcome === 'replayed' && (entry.kind !== kind || entry.credits !== -req.credits || entry.reference !== req.reference)) {
    throw new BillingError('idempotency_key_reused', 'This Idempotency-Key was already used with other parameters; use a new key.');
  }
  if (result.outcome === 'replayed') {
    return { entry, replayed: true, settlement: result.settlement, balance: result.settlement ? result.balance : null };
  }
  return { entry, replayed: false, settlement: null, balance: null };
}

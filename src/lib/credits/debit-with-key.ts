// A spend or a hold under the caller's idempotency key: one ledger statement, then the answer a replay must repeat.
import { debitCredits, type EntryView } from '@/db/credits';
import type { Db } from '@/db/client';
import { BillingError, callUpstream } from '@/lib/http';
import type { CreditsRequest } from './parse-credits-request';

export interface DebitOutcome {
  entry: EntryView;
  replayed: boolean;
}

export async function debitWithKey(db: Db, kind: 'spend' | 'hold', req: CreditsRequest, now: Date, holdTtlSeconds = 0): Promise<DebitOutcome> {
  const result = await callUpstream('db', () =>
    debitCredits(db, {
      clerkUserId: req.clerkUserId,
      kind,
      credits: req.credits,
      reference: req.reference,
      // Per buyer: two buyers may use the same key; one buyer's key names one debit.
      cause: `${kind}:${req.clerkUserId}:${req.idempotencyKey}`,
      now,
      expiresAt: kind === 'hold' ? new Date(now.getTime() + holdTtlSeconds * 1000) : null,
    }),
  );
  if (result.outcome === 'insufficient') {
    throw new BillingError('insufficient_credits', `This needs ${req.credits} credits; the balance is ${result.balance}.`, {
      details: { balance: result.balance, required: req.credits },
    });
  }
  const { entry } = result;
  if (result.outcome === 'replayed' && (entry.credits !== -req.credits || entry.reference !== req.reference)) {
    throw new BillingError('idempotency_key_reused', 'This Idempotency-Key was already used with other parameters; use a new key.');
  }
  return { entry, replayed: result.outcome === 'replayed' };
}

// Spends credits for good (e.g. an instant booking), exactly once per idempotency key.
import type { Db } from '@/db/client';
import { debitWithKey, type DebitOutcome } from './debit-with-key';
import type { CreditsRequest } from './parse-credits-request';

export function spendCredits(db: Db, req: CreditsRequest, now: Date): Promise<DebitOutcome> {
  return debitWithKey(db, 'spend', req, now);
}

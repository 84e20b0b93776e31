// Sets credits aside for a booking in progress until confirmed, released or expired, once per idempotency key.
import type { Db } from '@/db/client';
import { debitWithKey, type DebitOutcome } from './debit-with-key';
import type { CreditsRequest } from './parse-credits-request';

export function holdCredits(db: Db, req: CreditsRequest, now: Date, ttlSeconds: number): Promise<DebitOutcome> {
  return debitWithKey(db, 'hold', req, now, ttlSeconds);
}

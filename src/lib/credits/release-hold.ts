// Gives a hold's credits back; releasing again (or after expiry) answers the same, after a confirm it is a 409.
import type { CreditsActor } from '@/db/credits';
import type { Db } from '@/db/client';
import { settleHoldOrThrow, type Settled } from './settle-hold-or-throw';

export function releaseHold(db: Db, clerkUserId: string, holdId: string, now: Date, actor: CreditsActor = 'buyer'): Promise<Settled> {
  return settleHoldOrThrow(db, clerkUserId, holdId, 'release', now, actor);
}

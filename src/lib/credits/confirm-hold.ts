// Turns a live hold into a spend; a replay answers the same, an expired or released hold is a stable 409.
import type { CreditsActor } from '@/db/credits';
import type { Db } from '@/db/client';
import { settleHoldOrThrow, type Settled } from './settle-hold-or-throw';

export function confirmHold(db: Db, clerkUserId: string, holdId: string, now: Date, actor: CreditsActor = 'buyer'): Promise<Settled> {
  return settleHoldOrThrow(db, clerkUserId, holdId, 'confirm', now, actor);
}

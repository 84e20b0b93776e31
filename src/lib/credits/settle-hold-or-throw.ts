// Confirms or releases a hold and turns the settlement the ledger holds into the answer or a stable 409 (403 when a
// buyer settles the booking service's hold).
import { settleHold, type CreditsActor, type SettleResult } from '@/db/credits';
import type { Db } from '@/db/client';
import { BillingError, callUpstream } from '@/lib/http';

export type Settled = Extract<SettleResult, { outcome: 'settled' }>;

type ConflictCode = 'hold_released' | 'hold_expired' | 'hold_confirmed' | 'hold_reversed';
const reversed = ['hold_reversed', 'A refund or dispute of the purchase took this hold\'s credits back; it can no longer be settled.'] as const;
const conflicts: Record<'confirm' | 'release', Partial<Record<Settled['settlement'], readonly [ConflictCode, string]>>> = {
  confirm: {
    released: ['hold_released', 'This hold was released; its credits are no longer held.'],
    expired: ['hold_expired', 'This hold expired before it was confirmed; its credits were returned. Place a new hold.'],
    reversed,
  },
  release: { confirmed: ['hold_confirmed', 'This hold was confirmed; its credits are spent.'], reversed },
};

export async function settleHoldOrThrow(db: Db, clerkUserId: string, holdId: string, action: 'confirm' | 'release', now: Date, actor: CreditsActor = 'buyer'): Promise<Settled> {
  const result = await callUpstream('db', () => settleHold(db, { clerkUserId, holdId, action, now, actor }));
  if (result.outcome === 'not_found') throw new BillingError('not_found', 'No such hold for this buyer.');
  if (result.outcome === 'not_owner') throw new BillingError('hold_not_owner', 'The booking service placed this hold; only it can confirm or release it.');
  const conflict = conflicts[action][result.settlement];
  if (conflict) throw new BillingError(conflict[0], conflict[1], { details: { balance: result.balance } });
  return result;
}

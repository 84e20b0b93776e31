// Confirms or releases a hold and turns the settlement the ledger holds into the answer or a stable 409.
import { settleHold, type SettleResult } from '@/db/credits';
import type { Db } from '@/db/client';
import { BillingError, callUpstream } from '@/lib/http';

export type Settled = Extract<SettleResult, { outcome: 'settled' }>;

const conflicts = {
  confirm: {
    released: ['hold_released', 'This hold was released; its credits are no longer held.'],
    expired: ['hold_expired', 'This hold expired before it was confirmed; its credits were returned. Place a new hold.'],
  },
  release: { confirmed: ['hold_confirmed', 'This hold was confirmed; its credits are spent.'] },
} as const;

export async function settleHoldOrThrow(db: Db, clerkUserId: string, holdId: string, action: 'confirm' | 'release', now: Date): Promise<Settled> {
  const result = await callUpstream('db', () => settleHold(db, { clerkUserId, holdId, action, now }));
  if (result.outcome === 'not_found') throw new BillingError('not_found', 'No such hold for this buyer.');
  const conflict = (conflicts[action] as Record<string, readonly [ 'hold_released' | 'hold_expired' | 'hold_confirmed', string ]>)[result.settlement];
  if (conflict) throw new BillingError(conflict[0], conflict[1], { details: { balance: result.balance } });
  return result;
}

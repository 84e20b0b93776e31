// What handling one Stripe event came to: the outcome the webhook answers with, facts for its log line, and an
// alert name when a person should look (a paid purchase we could not credit, credits we could not take back).
export interface EventResult {
  outcome: string;
  facts?: Record<string, unknown>;
  alert?: 'unmatched_checkout' | 'credit_shortfall';
}

/** Sums several reversals of one event (each refund of a charge) into one result. */
export function summariseReversals(results: readonly { applied: boolean; purchaseFound: boolean; credits: number; shortfall: number; fulfilment?: { outcome: string; reason?: string } }[], facts: Record<string, unknown>): EventResult {
  if (results.length === 0) return { outcome: 'ignored', facts };
  const unmatched = results.find((r) => !r.purchaseFound);
  if (unmatched) {
    return { outcome: 'unmatched', facts: { ...facts, reason: unmatched.fulfilment?.reason ?? 'unknown_payment' } };
  }
  const applied = results.filter((r) => r.applied);
  const taken = applied.reduce((n, r) => n + r.credits, 0);
  const shortfall = applied.reduce((n, r) => n + r.shortfall, 0);
  return {
    outcome: applied.length > 0 ? 'reversed' : 'already_reversed',
    facts: { ...facts, credits: taken, shortfall },
    ...(shortfall > 0 && { alert: 'credit_shortfall' as const }),
  };
}

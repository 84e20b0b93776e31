// Runs `work` over `items` with at most `limit` in flight: reconciliation's bound on parallel Stripe calls, so a sweep
// stays under Stripe's rate limit (test mode ~25 requests/s per endpoint) instead of tripping it.
export async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

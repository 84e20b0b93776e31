// Stripe's per-endpoint rate limiter, optional: test mode allows about 25 requests per second per endpoint (search:
// fewer) and answers the rest 429 `rate_limit` without executing them. A sliding one-second window per endpoint.
const WINDOW_MS = 1000;

export class RateLimiter {
  private perSecond: number | null = null;
  private readonly windows = new Map<string, number[]>();

  /** null turns the limiter off. */
  configure(perSecond: number | null): void {
    if (perSecond !== null && (!Number.isInteger(perSecond) || perSecond < 1)) {
      throw new Error(`setRateLimit: perSecond must be a positive integer or null, got ${perSecond}`);
    }
    this.perSecond = perSecond;
    this.windows.clear();
  }

  /** Counts the request; false when it is over the endpoint's limit (and must be answered 429). */
  admit(endpoint: string, now: number): boolean {
    if (this.perSecond === null) return true;
    const stamps = (this.windows.get(endpoint) ?? []).filter((t) => t > now - WINDOW_MS);
    const allowed = stamps.length < this.perSecond;
    if (allowed) stamps.push(now);
    this.windows.set(endpoint, stamps);
    return allowed;
  }
}

/** Ids collapse, so /v1/customers/cus_1 and /v1/customers/cus_2 share one limit, as on Stripe. */
export function endpointOf(method: string, pathname: string): string {
  return `${method} ${pathname.replace(/\/(cus|cs|evt|pi|ch|re|dp|prod|price|we)_[^/]+/g, '/:id')}`;
}

// Injected failures for Backend API requests: each failNext() queues `count` failures, consumed in order.
export type ClerkFaultKind = 'error500' | 'drop';

export class FaultQueue {
  private readonly pending: { kind: ClerkFaultKind; remaining: number; method?: string; path?: string }[] = [];

  /** `only` narrows the fault to one request shape (tests share a stand-in with background calls of other requests). */
  add(count: number, kind: ClerkFaultKind, only: { method?: string; path?: string } = {}): void {
    if (!Number.isInteger(count) || count < 1) throw new Error(`failNext: count must be a positive integer, got ${count}`);
    if (kind !== 'error500' && kind !== 'drop') throw new Error(`failNext: unknown kind ${String(kind)}`);
    this.pending.push({ kind, remaining: count, ...only });
  }

  take(method = '', path = ''): ClerkFaultKind | undefined {
    const next = this.pending.find((f) => (f.method === undefined || f.method === method) && (f.path === undefined || f.path === path));
    if (!next) return undefined;
    if (--next.remaining === 0) this.pending.splice(this.pending.indexOf(next), 1);
    return next.kind;
  }
}

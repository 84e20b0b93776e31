// Injected failures for Backend API requests: each failNext() queues `count` failures, consumed in order.
export type ClerkFaultKind = 'error500' | 'drop';

export class FaultQueue {
  private readonly pending: { kind: ClerkFaultKind; remaining: number }[] = [];

  add(count: number, kind: ClerkFaultKind): void {
    if (!Number.isInteger(count) || count < 1) throw new Error(`failNext: count must be a positive integer, got ${count}`);
    if (kind !== 'error500' && kind !== 'drop') throw new Error(`failNext: unknown kind ${String(kind)}`);
    this.pending.push({ kind, remaining: count });
  }

  take(): ClerkFaultKind | undefined {
    const next = this.pending[0];
    if (!next) return undefined;
    if (--next.remaining === 0) this.pending.shift();
    return next.kind;
  }
}

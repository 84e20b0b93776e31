// The emulator's notion of "now": wall time plus an offset tests can move forward, so 24 h idempotency-key expiry
// and search indexing lag can be exercised without waiting.
export class EmulatorClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`advanceClock: ms must be a non-negative number, got ${ms}`);
    this.offsetMs += ms;
  }
}

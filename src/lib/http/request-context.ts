// Per-request bookkeeping for the billing routes: a request id, Server-Timing per upstream, and the one log line.
import type { Upstream } from './errors';

export type Phase = Upstream | 'total';

export interface LogLine {
  route: string;
  requestId: string;
  status: number;
  outcome: string;
  timings: Record<string, number>;
  [key: string]: unknown;
}

export type Logger = (line: LogLine) => void;

export const jsonLogger: Logger = (line) => console.log(JSON.stringify(line));

export class RequestContext {
  readonly requestId: string;
  private readonly started = performance.now();
  private readonly spent = new Map<Phase, number>();
  private readonly open = new Map<Phase, { count: number; since: number }>();

  constructor(request: Request) {
    // Vercel's id ties our line to the platform's logs; otherwise make one.
    this.requestId = request.headers.get('x-vercel-id') ?? request.headers.get('x-request-id') ?? crypto.randomUUID();
  }

  /** Times a phase as wall-clock time with at least one call in flight, so concurrent calls are not double-counted. */
  async time<T>(phase: Upstream, work: () => Promise<T>): Promise<T> {
    const slot = this.open.get(phase) ?? { count: 0, since: 0 };
    if (slot.count++ === 0) slot.since = performance.now();
    this.open.set(phase, slot);
    try {
      return await work();
    } finally {
      if (--slot.count === 0) this.spent.set(phase, (this.spent.get(phase) ?? 0) + performance.now() - slot.since);
    }
  }

  timings(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [phase, ms] of this.spent) out[phase] = Math.round(ms * 10) / 10;
    out.total = Math.round((performance.now() - this.started) * 10) / 10;
    return out;
  }

  serverTiming(): string {
    return Object.entries(this.timings())
      .map(([phase, ms]) => `${phase};dur=${ms}`)
      .join(', ');
  }
}

// Injected failures for tests: rules queued by failNext(), each consumed by the next requests whose queries match,
// oldest rule first.

import type { FaultKind } from './types';

interface FaultRule {
  remaining: number;
  kind: FaultKind;
  match: FaultMatch;
}

/** Sees each query's text and, at the same index, its params as JSON (so a test can aim at its own rows). */
export type FaultMatch = (queries: string[], params: string[]) => boolean;

export class FaultQueue {
  #rules: FaultRule[] = [];

  add(count: number, kind: FaultKind, match: FaultMatch = () => true): void {
    if (count > 0) this.#rules.push({ remaining: count, kind, match });
  }

  clear(): void {
    this.#rules = [];
  }

  /** The fault this request gets, if any; consumes one use of the rule. */
  take(queries: string[], params: string[] = []): FaultKind | undefined {
    const rule = this.#rules.find((r) => r.match(queries, params));
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.#rules = this.#rules.filter((r) => r !== rule);
    return rule.kind;
  }
}

// Injected failures for /v1 requests: each rule fails the next `count` matching requests, in the order added.
import type { StripeFaultKind } from './types';

export interface FaultRule {
  path: string | RegExp;
  method?: string;
  count?: number;
  kind: StripeFaultKind;
}

interface ActiveRule {
  path: string | RegExp;
  method: string | undefined;
  remaining: number;
  kind: StripeFaultKind;
}

export class FaultQueue {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    const count = rule.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new Error(`failNext: count must be a positive integer, got ${count}`);
    this.rules.push({ path: rule.path, method: rule.method?.toUpperCase(), remaining: count, kind: rule.kind });
  }

  clear(): void {
    this.rules = [];
  }

  /** Consumes one use of the first rule matching this request, if any. */
  take(method: string, pathname: string): StripeFaultKind | undefined {
    const rule = this.rules.find(
      (r) =>
        (r.method === undefined || r.method === method.toUpperCase()) &&
        (typeof r.path === 'string' ? r.path === pathname : matches(r.path, pathname)),
    );
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining === 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.kind;
  }
}

// A /g or /y RegExp keeps lastIndex between test() calls; reset so every request is matched from the start.
function matches(re: RegExp, pathname: string): boolean {
  re.lastIndex = 0;
  return re.test(pathname);
}

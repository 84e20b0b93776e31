// Leak checks that fail the suite: every response a suite reads through `read()` (body and headers) and every line
// passed to `scan()` is searched for secrets, stack traces and upstream error text; after the suite, so is everything
// the app printed under `next start` so far, and any finding fails the file.
import { afterAll, beforeAll, expect } from 'vitest';
import { findLeaks, type Needle } from './leak-patterns';
import { stack } from './stack';

export function leakCheck(options: { appOutput?: boolean; needles?: () => Needle[] | Promise<Needle[]> } = {}) {
  const found: string[] = [];
  let needles: Needle[] = [];
  let scanned = 0;
  beforeAll(async () => {
    needles = options.needles ? await options.needles() : await stack.call<Needle[]>('stack', 'leakNeedles');
  });
  const check = {
    /** Scans text seen by the test; returns the number of findings. */
    scan(text: string, where: string): number {
      scanned++;
      const leaks = findLeaks(text, needles, where);
      found.push(...leaks);
      return leaks.length;
    },
    /** The response's body text, after scanning it and its headers. */
    async read(response: Response, where = `${response.status} response`): Promise<string> {
      const text = await response.text();
      check.scan(`${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${text}`, where);
      return text;
    },
    get count() {
      return found.length;
    },
  };
  afterAll(async () => {
    if (options.appOutput) check.scan(await stack.call<string>('stack', 'appOutput'), 'the app’s next start output');
    expect(scanned).toBeGreaterThan(0);
    expect(found).toEqual([]);
  });
  return check;
}

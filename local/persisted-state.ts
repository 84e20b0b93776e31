// Keeps a stand-in's state in a JSON file beside the database (`npm run local`): read once at start, written when it
// has changed (checked every `intervalMs`) and on stop, so receipts, customers and sessions survive a restart with it.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface PersistedState { flush(): void; stop(): void }

export function readState<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function persistState(file: string, snapshot: () => unknown, intervalMs = 500): PersistedState {
  mkdirSync(dirname(file), { recursive: true });
  let last = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const flush = () => {
    const text = JSON.stringify(snapshot());
    if (text === last) return;
    // Written aside then renamed: a Ctrl-C mid-write must not leave half a file that the next start cannot read.
    writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    last = text;
  };
  const timer = setInterval(flush, intervalMs);
  timer.unref();
  return {
    flush,
    stop: () => {
      clearInterval(timer);
      flush();
    },
  };
}

/** Maps and Sets as JSON: `[key, value]` pairs and arrays. */
export const entries = <K, V>(map: Map<K, V>): [K, V][] => [...map.entries()];
export function refill<K, V>(map: Map<K, V>, pairs: [K, V][] | undefined): void {
  for (const [k, v] of pairs ?? []) map.set(k, v);
}

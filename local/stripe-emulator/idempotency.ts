// Stripe's idempotency layer for POSTs carrying an `Idempotency-Key`, scoped per API key:
// - the first request with a key runs; a 2xx result is stored and later requests with the same key, method, path
//   and params get it replayed (marked `Idempotent-Replayed: true`) without running again;
// - the same key with other params or another endpoint → 400 `idempotency_error`;
// - while the first request is still running, others with its key get 409 `idempotency_key_in_use` (what Stripe
//   answers; stripe-node retries 409s, so concurrent SDK calls converge on the one stored result);
// - nothing is stored for requests that fail validation or hit a before-execution fault, as Stripe saves no result
//   for requests that never started executing — so the SDK's retry with the same key can still succeed;
// - a 500 raised once execution began IS stored and replayed for the key (with `Stripe-Should-Retry: false`), like
//   a success: the same key never runs again;
// - keys expire: after `lifetimeMs` (Stripe: at least 24 h) on the emulator's clock the same key runs anew.
import type { EmulatorClock } from './clock';
import { errors } from './errors';

export const DEFAULT_KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

export interface StoredResponse {
  status: number;
  body: string;
  requestId: string;
  headers?: Record<string, string>;
}

interface Entry {
  createdAt: number;
  method: string;
  path: string;
  fingerprint: string;
  response: StoredResponse | null;
}

export type IdempotencyOutcome =
  | { kind: 'execute'; commit(response: StoredResponse): void; release(): void }
  | { kind: 'replay'; response: StoredResponse };

const MAX_KEY_LENGTH = 255;

// Key order in a form body is the client's choice; compare params structurally.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: EmulatorClock,
    private readonly lifetimeMs = DEFAULT_KEY_LIFETIME_MS,
  ) {}

  begin(apiKey: string, key: string, method: string, path: string, params: unknown): IdempotencyOutcome {
    if (key.length > MAX_KEY_LENGTH) {
      throw errors.invalid(`Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters long.`, {
        code: 'idempotency_key_too_long',
      });
    }
    const scoped = `${apiKey}\u0000${key}`;
    const fingerprint = canonical(params);
    const now = this.clock.now();
    let existing = this.entries.get(scoped);
    if (existing && existing.response !== null && now - existing.createdAt >= this.lifetimeMs) {
      this.entries.delete(scoped);
      existing = undefined;
    }
    if (existing) {
      if (existing.method !== method || existing.path !== path) throw errors.idempotencyMismatch(key, 'endpoint');
      if (existing.fingerprint !== fingerprint) throw errors.idempotencyMismatch(key, 'params');
      if (existing.response === null) throw errors.idempotencyInProgress(key);
      return { kind: 'replay', response: existing.response };
    }
    const entry: Entry = { createdAt: now, method, path, fingerprint, response: null };
    this.entries.set(scoped, entry);
    return {
      kind: 'execute',
      commit: (response) => {
        entry.response = response;
      },
      release: () => {
        if (this.entries.get(scoped) === entry && entry.response === null) this.entries.delete(scoped);
      },
    };
  }
}

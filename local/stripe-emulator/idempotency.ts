// Stripe's idempotency layer for POSTs carrying an `Idempotency-Key`, scoped per API key:
// - the first request with a key runs; a 2xx result is stored and later requests with the same key, method, path
//   and params get it replayed (marked `Idempotent-Replayed: true`) without running again;
// - the same key with other params or another endpoint → 400 `idempotency_error`;
// - while the first request is still running, others with its key get 409 `idempotency_key_in_use` (what Stripe
//   answers; stripe-node retries 409s, so concurrent SDK calls converge on the one stored result);
// - nothing is stored for requests that fail validation or hit an injected fault, as Stripe saves no result for
//   requests that never started executing — so the SDK's retry with the same key can still succeed.
import { errors } from './errors';

export interface StoredResponse {
  status: number;
  body: string;
  requestId: string;
}

interface Entry {
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

  begin(apiKey: string, key: string, method: string, path: string, params: unknown): IdempotencyOutcome {
    if (key.length > MAX_KEY_LENGTH) {
      throw errors.invalid(`Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters long.`, {
        code: 'idempotency_key_too_long',
      });
    }
    const scoped = `${apiKey}\u0000${key}`;
    const fingerprint = canonical(params);
    const existing = this.entries.get(scoped);
    if (existing) {
      if (existing.method !== method || existing.path !== path) throw errors.idempotencyMismatch(key, 'endpoint');
      if (existing.fingerprint !== fingerprint) throw errors.idempotencyMismatch(key, 'params');
      if (existing.response === null) throw errors.idempotencyInProgress(key);
      return { kind: 'replay', response: existing.response };
    }
    const entry: Entry = { method, path, fingerprint, response: null };
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

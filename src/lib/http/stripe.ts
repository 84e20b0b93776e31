// The Stripe client: fetch-based (so it runs at the edge and in workerd), pinned API version, optional local base URL.
import 'server-only';
import Stripe from 'stripe';

export const STRIPE_API_VERSION = '2026-02-25.clover' as const;

export interface StripeClientOptions {
  secretKey: string;
  /** e.g. http://127.0.0.1:12111 for the local emulator; unset means api.stripe.com. */
  apiBase?: string;
  timeoutMs?: number;
  maxNetworkRetries?: number;
}

export function createStripeClient({ secretKey, apiBase, timeoutMs = 5_000, maxNetworkRetries = 2 }: StripeClientOptions): Stripe {
  const base = apiBase ? new URL(apiBase) : null;
  return new Stripe(secretKey, {
    apiVersion: STRIPE_API_VERSION,
    typescript: true,
    httpClient: Stripe.createFetchHttpClient(),
    timeout: timeoutMs,
    maxNetworkRetries,
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === 'https:' ? '443' : '80'),
      protocol: base.protocol === 'https:' ? 'https' : 'http',
    }),
  });
}

export type { Stripe };

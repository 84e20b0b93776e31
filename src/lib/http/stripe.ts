// The Stripe client: fetch-based (so it runs at the edge and in workerd), pinned API version, optional local base URL.
import 'server-only';
import Stripe from 'stripe';
import { upstreamFetchInit } from '@/lib/upstream-fetch';

export const STRIPE_API_VERSION = '2026-02-25.clover' as const;

export interface StripeClientOptions {
  secretKey: string;
  /** e.g. http://127.0.0.1:12111 for the local emulator; unset means api.stripe.com. */
  apiBase?: string;
  timeoutMs?: number;
  maxNetworkRetries?: number;
}

/**
 * fetch without the Content-Length Stripe sets itself (fetch derives it from the body anyway). Under `next start` on
 * Node 24 an explicit one fails every edge-route call (Next's edge sandbox hands it to Node 24's undici dispatcher,
 * which refuses it: "invalid content-length header"); Node 20, workerd and Vercel's edge accept either.
 */
function fetchWithoutContentLength(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const given = init?.headers;
  // The SDK passes [name, value] pairs; filtering them spares a Headers built only to be copied again by fetch.
  let headers: HeadersInit;
  if (Array.isArray(given)) {
    headers = given.filter(([name]) => name?.toLowerCase() !== 'content-length');
  } else {
    headers = new Headers(given);
    headers.delete('content-length');
  }
  return fetch(input, { ...init, ...upstreamFetchInit, headers });
}

export function createStripeClient({ secretKey, apiBase, timeoutMs = 5_000, maxNetworkRetries = 2 }: StripeClientOptions): Stripe {
  const base = apiBase ? new URL(apiBase) : null;
  return new Stripe(secretKey, {
    apiVersion: STRIPE_API_VERSION,
    typescript: true,
    httpClient: Stripe.createFetchHttpClient(fetchWithoutContentLength),
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

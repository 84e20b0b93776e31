// Runs one Stripe call: 429s retried with capped exponential backoff and full jitter inside a time budget (the SDK
// itself only retries a 429 that says `Stripe-Should-Retry: true`), permanent configuration errors told apart from
// outages, and everything else the documented 502.
import { BillingError, callUpstream } from './errors';

export interface StripeCallOptions {
  /** Epoch ms after which no further 429 retry starts; the caller's answer must not wait longer. Default: 4 s from now. */
  deadline?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

interface StripeLikeError {
  type?: string;
  statusCode?: number;
  code?: string;
  param?: string;
  headers?: Record<string, string>;
}

const DEFAULT_BUDGET_MS = 4_000;
const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 1_000;
const RETRY_AFTER_SECONDS = 1;

// Codes no retry fixes: the key, the account or a configured price is wrong. The setting named is what to fix.
const ACCOUNT_CODES = new Set(['account_invalid', 'api_key_expired', 'platform_api_key_expired', 'testmode_charges_only', 'livemode_mismatch']);

export function misconfiguredSetting(err: unknown): string | null {
  const e = err as StripeLikeError;
  if (e.type === 'StripeAuthenticationError' || e.type === 'StripePermissionError') return 'STRIPE_SECRET_KEY';
  if (e.type !== 'StripeInvalidRequestError') return null;
  if (e.code !== undefined && ACCOUNT_CODES.has(e.code)) return 'STRIPE_SECRET_KEY';
  // An unknown, inactive or foreign-currency price is refused on the line item.
  if (e.param?.startsWith('line_items')) return 'STRIPE_PRICE_SINGLE_FLIGHT / STRIPE_PRICE_SERIAL_ENTREPRENEUR';
  return null;
}

export function isStaleCustomer(err: unknown): boolean {
  const e = err as StripeLikeError;
  return e.type === 'StripeInvalidRequestError' && e.code === 'resource_missing' && e.param === 'customer';
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function callStripe<T>(call: () => Promise<T>, { deadline = Date.now() + DEFAULT_BUDGET_MS, sleep = defaultSleep, random = Math.random }: StripeCallOptions = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await callUpstream('stripe', call);
    } catch (err) {
      const cause = (err as BillingError).cause as StripeLikeError | undefined;
      // Our own answers (a session Stripe does not know → not_found) pass through as they are.
      if (cause === undefined) throw err;
      const setting = misconfiguredSetting(cause);
      if (setting !== null) {
        throw new BillingError('stripe_misconfigured', 'The shop is misconfigured and cannot take payments right now. Nothing was charged.', { cause, setting });
      }
      if (cause?.statusCode !== 429) throw err;
      const delay = random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
      if (cause.headers?.['stripe-should-retry'] === 'false' || Date.now() + delay > deadline) {
        throw new BillingError('stripe_rate_limited', 'The payment provider is busy. Nothing was charged; please try again in a moment.', { cause, retryAfter: RETRY_AFTER_SECONDS });
      }
      await sleep(delay);
    }
  }
}

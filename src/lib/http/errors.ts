// Billing errors as values with a stable code, and the one place that turns any thrown thing into an HTTP answer
// (JSON for API callers, pages for browser navigations).
import { htmlPage } from './html-page';

export const errorStatus = {
  unauthenticated: 401,
  invalid_request: 400,
  invalid_body: 400,
  invalid_price: 400,
  invalid_signature: 400,
  forbidden_origin: 403,
  not_found: 404,
  method_not_allowed: 405,
  body_too_large: 413,
  unsupported_media_type: 415,
  invalid_idempotency_key: 400,
  invalid_credits: 400,
  insufficient_credits: 409,
  idempotency_key_reused: 409,
  hold_expired: 409,
  hold_released: 409,
  hold_confirmed: 409,
  hold_reversed: 409,
  hold_not_owner: 403,
  hold_limit_reached: 409,
  internal_error: 500,
  stripe_misconfigured: 500,
  stripe_unavailable: 502,
  stripe_rate_limited: 503,
  auth_unavailable: 502,
  database_unavailable: 503,
} as const;

export type BillingErrorCode = keyof typeof errorStatus;

export class BillingError extends Error {
  readonly code: BillingErrorCode;
  /** Seconds a client should wait before trying again, sent as `Retry-After`. */
  readonly retryAfter: number | undefined;
  /** For a misconfiguration: the setting an operator has to fix (named in the log, never in the response). */
  readonly setting: string | undefined;
  /** Facts the caller can act on (e.g. the balance with insufficient_credits); never upstream text. */
  readonly details?: Record<string, unknown>;
  constructor(code: BillingErrorCode, message: string, options?: { cause?: unknown; retryAfter?: number; setting?: string; details?: Record<string, unknown> }) {
    super(message, options);
    this.name = 'BillingError';
    this.code = code;
    this.retryAfter = options?.retryAfter;
    this.setting = options?.setting;
    this.details = options?.details;
  }
  get status(): number {
    return errorStatus[this.code];
  }
}

const upstreamMessages = {
  stripe: ['stripe_unavailable', 'The payment provider did not answer in time. Nothing was charged; please try again.'],
  db: ['database_unavailable', 'Billing is briefly unavailable. Nothing was charged; please try again.'],
  auth: ['auth_unavailable', 'The sign-in service did not answer. Please try again.'],
} as const satisfies Record<string, readonly [BillingErrorCode, string]>;

export type Upstream = keyof typeof upstreamMessages;

/** Runs one upstream call; whatever it throws becomes that upstream's documented 5xx, its cause kept for the log. */
export async function callUpstream<T>(upstream: Upstream, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof BillingError) throw err;
    const [code, message] = upstreamMessages[upstream];
    throw new BillingError(code, message, { cause: err });
  }
}

export function asBillingError(err: unknown): BillingError {
  if (err instanceof BillingError) return err;
  return new BillingError('internal_error', 'Something went wrong on our side. Nothing was charged.', { cause: err });
}

/** JSON error body; the message is ours, never an upstream's text, a stack or a secret. */
export function toErrorResponse(err: unknown, headers?: HeadersInit): Response {
  const error = asBillingError(err);
  const response = Response.json({ error: { code: error.code, message: error.message, ...error.details } }, { status: error.status, headers });
  response.headers.set('Cache-Control', 'no-store');
  if (error.code === 'method_not_allowed') response.headers.set('Allow', 'POST');
  if (error.retryAfter !== undefined) response.headers.set('Retry-After', String(error.retryAfter));
  return response;
}

// The same errors for a browser navigation: pages and redirects to pages, never a JSON body the buyer's tab would
// show as text. The codes are the JSON contract's; only the form of the answer differs.
const html = (status: number, title: string, message: string, appUrl: string) =>
  htmlPage(status, title, `<p>${message}</p><p><a href="${new URL('/', appUrl).href}">Back to the pricing page</a></p>`);

/**
 * Signed out (or an expired token, which Clerk refreshes only on a GET) → 303 to the pricing page carrying the chosen
 * price, where the middleware's handshake can run; a cross-site post → a 403 page; anything else → 303 to the
 * pricing page with the error's code as a notice. `priceId` must already have matched the price map.
 */
export function toNavigationResponse(error: BillingError, appUrl: string, priceId: string | null): Response {
  if (error.code === 'forbidden_origin') {
    return html(403, 'Checkout refused', 'A checkout can only be started from this site’s own pricing page.', appUrl);
  }
  const target = new URL('/', appUrl);
  if (error.code === 'unauthenticated') {
    if (priceId) target.searchParams.set('buy', priceId);
  } else {
    target.searchParams.set('notice', error.code);
  }
  return new Response(null, { status: 303, headers: { Location: target.href } });
}

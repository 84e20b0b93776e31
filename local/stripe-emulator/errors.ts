// Stripe-shaped API errors: handlers throw these and the server renders them as `{"error": {...}}` with the status
// Stripe would use, so stripe-node maps them to the same error classes (StripeInvalidRequestError, ...) as in production.

export type StripeErrorType = 'invalid_request_error' | 'idempotency_error' | 'api_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
  /** Stripe links every error to its Dashboard request log entry; the server fills it in with the request's id. */
  request_log_url?: string;
}

export class StripeApiError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;
  readonly headers: Record<string, string>;

  constructor(status: number, body: StripeErrorBody, headers: Record<string, string> = {}) {
    super(body.message);
    this.name = 'StripeApiError';
    this.status = status;
    this.body = body;
    this.headers = headers;
  }

  toJSON(): { error: StripeErrorBody } {
    return { error: this.body };
  }
}

function invalid(status: number, message: string, code?: string, param?: string): StripeApiError {
  const body: StripeErrorBody = { type: 'invalid_request_error', message };
  if (code !== undefined) {
    body.code = code;
    body.doc_url = `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;
  }
  if (param !== undefined) body.param = param;
  return new StripeApiError(status, body);
}

export const errors = {
  invalid: (message: string, opts: { code?: string; param?: string; status?: number } = {}) =>
    invalid(opts.status ?? 400, message, opts.code, opts.param),

  missingParam: (param: string) => invalid(400, `Missing required param: ${param}.`, 'parameter_missing', param),

  unknownParam: (param: string, why?: string) =>
    invalid(400, `Received unknown parameter: ${param}${why ? ` (${why})` : ''}`, 'parameter_unknown', param),

  resourceMissing: (what: string, id: string, opts: { param?: string; status?: number } = {}) =>
    invalid(opts.status ?? 400, `No such ${what}: '${id}'`, 'resource_missing', opts.param),

  unrecognizedUrl: (method: string, path: string) =>
    invalid(
      404,
      `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    ),

  // Stripe never echoes a key back in full; it keeps the prefix and last four characters.
  invalidApiKey: (key: string | null) =>
    new StripeApiError(
      401,
      {
        type: 'invalid_request_error',
        message:
          key === null || key === ''
            ? "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/."
            : `Invalid API Key provided: ${redactKey(key)}`,
      },
      { 'www-authenticate': 'Bearer realm="Stripe"' },
    ),

  idempotencyMismatch: (key: string, detail: 'params' | 'endpoint') =>
    new StripeApiError(400, {
      type: 'idempotency_error',
      message:
        detail === 'params'
          ? `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`
          : `Keys for idempotent requests can only be used for the same endpoint they were first used for. Try using a key other than '${key}' if you meant to execute a different request.`,
    }),

  // What Stripe answers while the first request with a key is still executing; stripe-node retries 409s itself.
  idempotencyInProgress: (key: string) =>
    invalid(
      409,
      `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
      'idempotency_key_in_use',
    ),

  // A 500 raised during execution is stored against the idempotency key; Stripe marks it not worth retrying.
  // `detail` marks an injected fault's text, so leak checks can tell it from the app's own words.
  apiError: (detail?: string, headers: Record<string, string> = {}) =>
    new StripeApiError(
      500,
      {
        type: 'api_error',
        message: detail ? `An unknown error occurred (${detail})` : 'An unknown error occurred',
      },
      headers,
    ),

  // stripe-node turns any 429 into StripeRateLimitError and, without `Stripe-Should-Retry: true`, does not retry it.
  rateLimit: () =>
    new StripeApiError(429, {
      ...invalid(429, 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.', 'rate_limit').body,
    }),

  lockTimeout: () =>
    new StripeApiError(
      429,
      invalid(
        429,
        'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request.',
        'lock_timeout',
      ).body,
      { 'stripe-should-retry': 'true' },
    ),

  invalidApiVersion: (version: string) => invalid(400, `Invalid Stripe API version: ${version}`),
};

export function redactKey(key: string): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? '';
  const rest = key.slice(prefix.length);
  // Short keys would be mostly revealed by their last four characters, so hide them entirely.
  if (rest.length <= 8) return prefix + '*'.repeat(rest.length);
  return prefix + '*'.repeat(rest.length - 4) + rest.slice(-4);
}

/** A refusal from the hosted page's actions (pay, promotion code), before it becomes a Stripe-shaped error. */
export class LifecycleError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'LifecycleError';
  }
}

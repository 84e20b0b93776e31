// The error contract: each code's documented HTTP status and JSON shape, and upstream failures mapped to their 5xx.
import { describe, expect, it } from 'vitest';
import { BillingError, callUpstream, errorStatus, toErrorResponse, type BillingErrorCode } from '@/lib/http/errors';

// The statuses the contract tables in docs/ promise, written out here rather than read from the implementation.
const documented: [BillingErrorCode, number][] = [
  ['unauthenticated', 401],
  ['invalid_request', 400],
  ['invalid_body', 400],
  ['invalid_price', 400],
  ['invalid_signature', 400],
  ['forbidden_origin', 403],
  ['not_found', 404],
  ['method_not_allowed', 405],
  ['body_too_large', 413],
  ['unsupported_media_type', 415],
  ['invalid_idempotency_key', 400],
  ['invalid_credits', 400],
  ['insufficient_credits', 409],
  ['idempotency_key_reused', 409],
  ['hold_expired', 409],
  ['hold_released', 409],
  ['hold_confirmed', 409],
  ['hold_reversed', 409],
  ['hold_not_owner', 403],
  ['hold_limit_reached', 409],
  ['internal_error', 500],
  ['stripe_misconfigured', 500],
  ['stripe_unavailable', 502],
  ['stripe_rate_limited', 503],
  ['auth_unavailable', 502],
  ['database_unavailable', 503],
];

describe('toErrorResponse', () => {
  it('knows no code the README does not document', () => {
    expect(Object.keys(errorStatus).sort()).toEqual(documented.map(([code]) => code).sort());
  });

  it.each(documented)('maps %s to HTTP %i with a JSON body', async (code, status) => {
    const response = toErrorResponse(new BillingError(code, 'msg'));
    expect(response.status).toBe(status);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: { code, message: 'msg' } });
  });

  it('turns anything unknown into a generic 500 without its message or stack', async () => {
    const response = toErrorResponse(new Error('postgresql://user:secret@host/db exploded'));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret');
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'internal_error' } });
  });
});

describe('callUpstream', () => {
  it('maps a Stripe failure to 502 and a database failure to 503, keeping the cause', async () => {
    const boom = new Error('boom');
    await expect(callUpstream('stripe', () => Promise.reject(boom))).rejects.toMatchObject({ code: 'stripe_unavailable', status: 502, cause: boom });
    await expect(callUpstream('db', () => Promise.reject(boom))).rejects.toMatchObject({ code: 'database_unavailable', status: 503 });
  });

  it('lets a BillingError through unchanged', async () => {
    const err = new BillingError('not_found', 'x');
    await expect(callUpstream('stripe', () => Promise.reject(err))).rejects.toBe(err);
  });
});

import { describe, expect, it } from 'vitest';
import { BillingError, callUpstream, errorStatus, toErrorResponse } from '@/lib/billing/errors';

describe('toErrorResponse', () => {
  it.each(Object.entries(errorStatus))('maps %s to HTTP %i with a JSON body', async (code, status) => {
    const response = toErrorResponse(new BillingError(code as keyof typeof errorStatus, 'msg'));
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

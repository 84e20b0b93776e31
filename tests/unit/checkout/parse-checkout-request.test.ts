import { describe, expect, it } from 'vitest';
import { BillingError } from '@/lib/http/errors';
import { MAX_CHECKOUT_BODY_BYTES, parseCheckoutRequest } from '@/lib/checkout/parse-checkout-request';

const post = (body: BodyInit | null, contentType?: string) =>
  new Request('http://localhost/api/billing/checkout', { method: 'POST', body, headers: contentType ? { 'content-type': contentType } : {} });

async function errorCode(request: Request): Promise<string> {
  try {
    await parseCheckoutRequest(request);
  } catch (err) {
    if (err instanceof BillingError) return err.code;
    throw err;
  }
  throw new Error('expected a BillingError');
}

describe('parseCheckoutRequest', () => {
  it('reads priceId from JSON, a urlencoded form and a multipart form', async () => {
    expect(await parseCheckoutRequest(post(JSON.stringify({ priceId: 'price_a' }), 'application/json'))).toBe('price_a');
    expect(await parseCheckoutRequest(post('priceId=price_a', 'application/x-www-form-urlencoded'))).toBe('price_a');
    const form = new FormData();
    form.set('priceId', 'price_a');
    expect(await parseCheckoutRequest(new Request('http://localhost/', { method: 'POST', body: form }))).toBe('price_a');
  });

  it('accepts a charset parameter and any case in the media type', async () => {
    expect(await parseCheckoutRequest(post('{"priceId":"p"}', 'Application/JSON; charset=utf-8'))).toBe('p');
  });

  it('returns the priceId unvalidated and ignores every other field', async () => {
    expect(await parseCheckoutRequest(post(JSON.stringify({ priceId: 7, quantity: 99, customer: 'cus_evil' }), 'application/json'))).toBe(7);
    expect(await parseCheckoutRequest(post(JSON.stringify({ quantity: 99 }), 'application/json'))).toBeUndefined();
  });

  it.each([
    ['no content type', post('{"priceId":"p"}'), 'unsupported_media_type'],
    ['text/plain', post('{"priceId":"p"}', 'text/plain'), 'unsupported_media_type'],
    ['malformed JSON', post('{"priceId":', 'application/json'), 'invalid_body'],
    ['a JSON array', post('["price_a"]', 'application/json'), 'invalid_body'],
    ['JSON null', post('null', 'application/json'), 'invalid_body'],
    ['a JSON number', post('42', 'application/json'), 'invalid_body'],
    ['an empty body', post('', 'application/json'), 'invalid_body'],
    ['invalid UTF-8', post(new Uint8Array([0x7b, 0xff, 0x7d]), 'application/json'), 'invalid_body'],
    ['two priceId form fields', post('priceId=a&priceId=b', 'application/x-www-form-urlencoded'), 'invalid_body'],
    ['a body over the cap', post(JSON.stringify({ priceId: 'x'.repeat(MAX_CHECKOUT_BODY_BYTES) }), 'application/json'), 'body_too_large'],
  ])('rejects %s', async (_label, request, code) => {
    expect(await errorCode(request)).toBe(code);
  });

  it('rejects an oversized streamed body that declares no length', async () => {
    const chunk = new TextEncoder().encode('a'.repeat(1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const request = new Request('http://localhost/', { method: 'POST', body, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    expect(await errorCode(request)).toBe('body_too_large');
  });

  it('refuses a file in place of the priceId field', async () => {
    const form = new FormData();
    form.set('priceId', new Blob(['price_a']), 'price.txt');
    expect(await errorCode(new Request('http://localhost/', { method: 'POST', body: form }))).toBe('invalid_body');
  });
});

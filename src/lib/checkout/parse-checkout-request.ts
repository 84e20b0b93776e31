// Reads the checkout request's body (JSON, urlencoded or multipart form) into a priceId, with a hard size cap.
// Everything else the client sends (quantity, amount, customer, URLs, metadata) is ignored by construction.
import { BillingError, readCappedBody } from '@/lib/http';

export const MAX_CHECKOUT_BODY_BYTES = 4 * 1024;

type BodyKind = 'json' | 'form' | 'multipart';

function bodyKind(contentType: string | null): BodyKind {
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType === 'application/json') return 'json';
  if (mediaType === 'application/x-www-form-urlencoded') return 'form';
  if (mediaType === 'multipart/form-data') return 'multipart';
  throw new BillingError('unsupported_media_type', 'Send the priceId as JSON, a URL-encoded form or a multipart form.');
}

const tooLarge = () => new BillingError('body_too_large', `The request body must be at most ${MAX_CHECKOUT_BODY_BYTES} bytes.`);

const invalidBody = (message: string) => new BillingError('invalid_body', message);

function priceIdFromJson(text: string): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidBody('The body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidBody('The body must be a JSON object like {"priceId": "price_…"}.');
  }
  return Object.hasOwn(body, 'priceId') ? (body as Record<string, unknown>).priceId : undefined;
}

function singleField(values: unknown[]): unknown {
  // Two priceId fields is ambiguous; refusing beats guessing which one the buyer meant.
  if (values.length > 1) throw invalidBody('Send exactly one priceId.');
  return values[0];
}

async function priceIdFromMultipart(bytes: Uint8Array<ArrayBuffer>, contentType: string): Promise<unknown> {
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw invalidBody('The multipart form could not be read.');
  }
  const value = singleField(form.getAll('priceId'));
  if (value !== undefined && typeof value !== 'string') throw invalidBody('priceId must be a text field, not a file.');
  return value;
}

/** Returns the raw priceId as sent (unvalidated: the price map decides), or throws a 400/413/415 BillingError. */
export async function parseCheckoutRequest(request: Request): Promise<unknown> {
  const contentType = request.headers.get('content-type');
  const kind = bodyKind(contentType);
  const bytes = await readCappedBody(request, MAX_CHECKOUT_BODY_BYTES, tooLarge);
  if (kind === 'multipart') return priceIdFromMultipart(bytes, contentType ?? '');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidBody('The body is not valid UTF-8.');
  }
  if (kind === 'json') return priceIdFromJson(text);
  return singleField(new URLSearchParams(text).getAll('priceId'));
}

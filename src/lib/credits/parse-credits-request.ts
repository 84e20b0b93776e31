// Reads a spend/hold/settle request: a small JSON object and the Idempotency-Key header, each bad input a stable 400.
import { BillingError, readCappedBody } from '@/lib/http';
import type { CreditsActor } from '@/db/credits';

export const MAX_CREDITS_BODY_BYTES = 1024;
export const MAX_CREDITS_PER_REQUEST = 10_000;

export interface CreditsRequest {
  clerkUserId: string;
  /** Who calls: the buyer (session) or the booking service (secret); keys and holds belong to their caller. */
  actor: CreditsActor;
  credits: number;
  reference: string | null;
  idempotencyKey: string;
}

const invalidBody = (message: string) => new BillingError('invalid_body', message);

/** The JSON body as an object; `{}` for an empty body (confirm/release need none). */
export async function readCreditsBody(request: Request): Promise<Record<string, unknown>> {
  const mediaType = request.headers.get('content-type')?.split(';', 1)[0]?.trim().toLowerCase();
  // Required even for an empty body: a cross-site HTML form can send only form or text types, so no form can spend.
  if (mediaType !== 'application/json') throw new BillingError('unsupported_media_type', 'Send Content-Type: application/json.');
  const bytes = await readCappedBody(request, MAX_CREDITS_BODY_BYTES, () => new BillingError('body_too_large', `The request body must be at most ${MAX_CREDITS_BODY_BYTES} bytes.`));
  if (bytes.byteLength === 0) return {};
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalidBody('The body is not valid UTF-8 JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidBody('The body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** Stripe's convention: a client-made key of up to 255 visible ASCII characters, one per intended operation. */
export function idempotencyKey(request: Request): string {
  const key = request.headers.get('idempotency-key');
  if (!key || !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new BillingError('invalid_idempotency_key', 'Send an Idempotency-Key header: 1–255 visible ASCII characters, new for each spend or hold.');
  }
  return key;
}

export function parseCreditsRequest(request: Request, body: Record<string, unknown>, clerkUserId: string, actor: CreditsActor = 'buyer'): CreditsRequest {
  const { credits, reference } = body;
  if (typeof credits !== 'number' || !Number.isSafeInteger(credits) || credits < 1 || credits > MAX_CREDITS_PER_REQUEST) {
    throw new BillingError('invalid_credits', `credits must be a whole number from 1 to ${MAX_CREDITS_PER_REQUEST}.`);
  }
  if (reference !== undefined && reference !== null && (typeof reference !== 'string' || reference.length === 0 || reference.length > 200)) {
    throw invalidBody('reference, when sent, must be a string of 1–200 characters.');
  }
  return { clerkUserId, actor, credits, reference: reference ?? null, idempotencyKey: idempotencyKey(request) };
}

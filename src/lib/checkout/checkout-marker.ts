// The server-set marker on the Checkout Sessions this integration creates: an HMAC over who bought what, at what
// price, keyed by a secret only this server holds. Payment Links, the Dashboard or another integration on the same
// account can set client_reference_id and metadata, but cannot produce this value, so fulfilment credits only ours.
export interface MarkedFields {
  clerkUserId: string;
  appUserId: string;
  priceId: string;
  creditQty: number;
  /** Pre-discount amount in minor units and its currency: what the buyer was asked to pay before promotion codes. */
  amountCents: number;
  currency: string;
}

const encoder = new TextEncoder();

function toHex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// An isolate serves one marker key, so its imported form is kept: importing costs more than the HMAC itself, on every
// checkout and every fulfilment. A different key (another test's stack) replaces it.
let imported: { key: string; cryptoKey: Promise<CryptoKey> } | undefined;

function hmacKey(key: string): Promise<CryptoKey> {
  if (imported?.key !== key) {
    const cryptoKey = crypto.subtle.importKey('raw', encoder.encode(`checkout-marker:${key}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    imported = { key, cryptoKey };
    // A failed import is not kept: the next call tries again.
    cryptoKey.catch(() => {
      if (imported?.cryptoKey === cryptoKey) imported = undefined;
    });
  }
  return imported.cryptoKey;
}

/** `v1.<hex HMAC-SHA256>`; SubtleCrypto, so it runs at the edge, in workerd and in Node alike. */
export async function signCheckoutMarker(key: string, f: MarkedFields): Promise<string> {
  const cryptoKey = await hmacKey(key);
  // Newline-joined: none of the fields can contain a newline (ids, integers, a currency code).
  const message = ['v1', f.clerkUserId, f.appUserId, f.priceId, f.creditQty, f.amountCents, f.currency.toLowerCase()].join('\n');
  return `v1.${toHex(await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(message)))}`;
}

/** Constant-time comparison of the marker a session carries with the one its fields should have. */
export async function verifyCheckoutMarker(key: string, f: MarkedFields, marker: string | undefined): Promise<boolean> {
  if (typeof marker !== 'string') return false;
  const expected = await signCheckoutMarker(key, f);
  if (expected.length !== marker.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ marker.charCodeAt(i);
  return diff === 0;
}

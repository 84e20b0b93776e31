// Stripe-looking object ids (prefix + base62), so app code that checks prefixes or lengths behaves as in production.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length)) {
      // 248 = 4 * 62: rejecting the tail keeps the characters uniformly distributed.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export const newId = {
  customer: () => `cus_${base62(14)}`,
  // Real test-mode session ids are long (66 chars) and start with `cs_test_a1`/`b1`; apps store them in columns.
  checkoutSession: () => `cs_test_a1${base62(56)}`,
  paymentIntent: () => `pi_3${base62(23)}`,
  event: () => `evt_1${base62(23)}`,
  charge: () => `ch_3${base62(23)}`,
  refund: () => `re_3${base62(23)}`,
  dispute: () => `du_1${base62(23)}`,
  receiptNumber: () => `${base62(4).toUpperCase()}-${String(Math.floor(Math.random() * 10000)).padStart(4, '0')}`,
  lineItem: () => `li_1${base62(23)}`,
  request: () => `req_${base62(14)}`,
  invoicePrefix: () => base62(8).toUpperCase(),
};

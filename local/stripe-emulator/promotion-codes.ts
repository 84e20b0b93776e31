// Promotion codes a buyer can enter on the hosted page. Coupons and the promotion_codes API are not emulated; tests
// register a code with the emulator's `createPromotionCode` control and pay with it. A code lowers what is charged
// (line item and session `amount_discount`, `amount_total` below `amount_subtotal`), never what was bought.
import { base62 } from './ids';
import { LifecycleError } from './errors';
import type { EmulatorStore, SessionRecord } from './store';
import type { EmulatorPromotionCode } from './types';

export function registerPromotionCode(store: EmulatorStore, promo: EmulatorPromotionCode): string {
  const percent = promo.percentOff;
  const amount = promo.amountOff;
  if ((percent === undefined) === (amount === undefined)) throw new Error('createPromotionCode: give exactly one of percentOff, amountOff');
  if (percent !== undefined && !(percent > 0 && percent <= 100)) throw new Error('createPromotionCode: percentOff must be in (0, 100]');
  if (amount !== undefined && !(Number.isInteger(amount) && amount > 0)) throw new Error('createPromotionCode: amountOff must be a positive integer');
  const id = `promo_1${base62(23)}`;
  store.promotionCodes.set(promo.code.toUpperCase(), { ...promo, id });
  return id;
}

/** Applies `code` to an open session; refused when the session does not allow promotion codes, as Checkout hides the field. */
export function applyPromotionCode(store: EmulatorStore, r: SessionRecord, code: string): void {
  const s = r.session;
  if (s.allow_promotion_codes !== true) throw new LifecycleError('This Checkout Session does not accept promotion codes.', 400);
  const promo = store.promotionCodes.get(code.toUpperCase());
  if (!promo) throw new LifecycleError(`This code is invalid: ${code}`, 400);
  let remaining = promo.amountOff;
  for (const item of r.lineItems) {
    const off = promo.percentOff !== undefined
      ? Math.round((item.amount_subtotal * promo.percentOff) / 100)
      : Math.min(item.amount_subtotal, remaining ?? 0);
    if (remaining !== undefined) remaining -= off;
    item.amount_discount = off;
    item.amount_total = item.amount_subtotal - off;
  }
  const discount = r.lineItems.reduce((sum, item) => sum + item.amount_discount, 0);
  s.amount_total = (s.amount_subtotal ?? 0) - discount;
  s.total_details = { amount_discount: discount, amount_shipping: 0, amount_tax: 0 };
  s.discounts = [{ coupon: null, promotion_code: promo.id }];
}

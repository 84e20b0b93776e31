// Entry point of checkout/: Buy Now → Stripe — parsing the request, the price catalogue, the buyer's Stripe customer,
// the Checkout Session and its server-set marker, the notices shown after a failed Buy Now. It may import http/ and
// identity/; fulfilment/ reads the catalogue and verifies the marker through this file.

export { verifyCheckoutMarker } from './checkout-marker';
export type { MarkedFields } from './checkout-marker';
export { checkoutOptionsFromConfig } from './checkout-options-from-config';
export { createCheckoutSession } from './create-checkout-session';
export { handleCheckout } from './handle-checkout';
export { noticeText } from './notice-text';
export { buildPriceCatalog, getPriceConfig } from './price-config';
export type { PriceConfig, PurchasedPrice } from './price-config';

// The pricing page's notices after a failed Buy Now: a code from our own list mapped to our own words, so nothing a
// request or an upstream said is ever shown back.
const NOTICES: Record<string, string> = {
  invalid_price: 'That pack is not on sale. Please choose one of the packs below.',
  invalid_body: 'Your request could not be read. Please press Buy Now again.',
  body_too_large: 'Your request could not be read. Please press Buy Now again.',
  unsupported_media_type: 'Your request could not be read. Please press Buy Now again.',
  method_not_allowed: 'Choose a pack below and press Buy Now to start a checkout.',
  stripe_unavailable: 'The payment provider did not answer. Nothing was charged; please try again in a moment.',
  stripe_rate_limited: 'The payment provider is busy. Nothing was charged; please try again in a few seconds.',
  stripe_misconfigured: 'Checkout is not available right now because of a problem on our side. Nothing was charged; we have been alerted.',
  database_unavailable: 'Billing is briefly unavailable. Nothing was charged; please try again in a moment.',
  auth_unavailable: 'The sign-in service did not answer. Nothing was charged; please try again in a moment.',
  internal_error: 'Something went wrong on our side. Nothing was charged; please try again.',
};

/** Our text for a notice code, or null for a code we did not issue (a hand-made URL shows nothing). */
export function noticeText(code: string | null | undefined): string | null {
  return (code && Object.hasOwn(NOTICES, code) && NOTICES[code]) || null;
}

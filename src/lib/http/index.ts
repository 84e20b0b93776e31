// Entry point of http/: the request plumbing every capability shares — BillingError and the one code → HTTP table,
// the request context and its log line, body limits, browser-or-API detection, and the Stripe client with its 429
// budget. It imports no other capability; every capability may import it.

export { callStripe, isStaleCustomer } from './call-stripe';
export { describeError } from './describe-error';
export { BillingError, callUpstream, errorStatus, toNavigationResponse } from './errors';
export { finishRequest } from './finish-request';
export { htmlPage } from './html-page';
export { isBrowserNavigation } from './is-browser-navigation';
export { readCappedBody } from './read-capped-body';
export { RequestContext, jsonLogger } from './request-context';
export type { Logger } from './request-context';
export { respondLogged } from './respond-logged';
export { createStripeClient } from './stripe';

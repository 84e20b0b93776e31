// A Stripe read on fulfilment's paths: callStripe's 429 retries until the deadline the caller's deps set (callStripe's
// 4 s when they set none), so every read of a sweep gets the sweep's patience and none is left on the default.
import { callStripe } from '@/lib/http';
import type { FulfilmentDeps } from './fulfil-checkout';

export function readStripe<T>(deps: Pick<FulfilmentDeps, 'stripeRetryDeadline'>, read: () => Promise<T>): Promise<T> {
  return callStripe(read, { deadline: deps.stripeRetryDeadline?.() });
}

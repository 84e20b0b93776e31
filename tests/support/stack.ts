// The test side of the local stack: the control client, and the billing services built from the stack's env by the
// same function that builds the app's.
import { inject } from 'vitest';
import { controlClient } from '@local/control';
import { createBillingServices, type UpstreamOptions } from '@/lib/services/create-billing-services';

export const stack = controlClient(inject('controlUrl'));

export async function servicesFromStack({ timeoutMs = 5_000, maxNetworkRetries }: UpstreamOptions = {}) {
  const env = await stack.env();
  return { env, ...createBillingServices(env, { timeoutMs, maxNetworkRetries }) };
}

let counter = 0;
/** A Clerk-looking user id unique to this run, so tests never share buyers. */
export const newClerkUserId = (label = 'buyer') => `user_${label}_${Date.now().toString(36)}_${(counter++).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

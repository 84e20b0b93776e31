// The app's billing services, built once per isolate from the validated environment.
import 'server-only';
import { env } from '@/env';
import { createBillingServices, type BillingServices } from './create-billing-services';

let services: BillingServices | undefined;

/** Lazily, so importing a route module (e.g. during `next build`) opens no clients. */
export function billingServices(): BillingServices {
  return (services ??= createBillingServices(env, { timeoutMs: env.BILLING_UPSTREAM_TIMEOUT_MS }));
}

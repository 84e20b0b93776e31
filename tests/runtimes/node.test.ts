// The shared contract with the cores running in plain Node (stripe's Node build, Node's fetch).
import { handleCheckout } from '@/lib/billing/handle-checkout';
import { handleStripeWebhook } from '@/lib/billing/handle-stripe-webhook';
import { jsonLogger } from '@/lib/billing/request-context';
import { authenticateWithJwtKey } from '@/lib/billing/verify-session-token';
import { describeBillingContract } from '../support/shared-cases';
import { servicesFromStack } from '../support/stack';

describeBillingContract('Node', async () => {
  const services = await servicesFromStack();
  const authenticate = authenticateWithJwtKey(services.env.CLERK_JWT_KEY!);
  return {
    send: (request) =>
      new URL(request.url).pathname === '/api/billing/webhook'
        ? handleStripeWebhook(request, { ...services, log: jsonLogger })
        : handleCheckout(request, { ...services, authenticate, waitUntil: () => {}, log: jsonLogger }),
  };
});

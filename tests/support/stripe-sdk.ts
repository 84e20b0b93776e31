// The real stripe SDK pointed at an emulator, and a helper to catch the error a call is expected to throw.
import Stripe from 'stripe';

export function sdkFor(url: string, key: string, config: Partial<Stripe.StripeConfig> = {}): Stripe {
  const base = new URL(url);
  return new Stripe(key, {
    apiVersion: '2026-02-25.clover',
    httpClient: Stripe.createFetchHttpClient(),
    host: base.hostname,
    port: Number(base.port),
    protocol: 'http',
    ...config,
  });
}

export async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (e) {
    return e as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}

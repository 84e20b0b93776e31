// Paid Checkout Sessions in bulk, as the app's checkout would have opened them (same parameters, a valid marker, a
// real customer), seeded straight into an emulator and dated across a span: for reconciliation at scale (the scale
// test and `npm run bench:reconcile`), where 10 000 HTTP checkouts would take minutes.
import type Stripe from 'stripe';
import type { StripeEmulator } from '../../local/stripe-emulator';
import type { FormObject, FormValue } from '../../local/stripe-emulator/form';
import { findOrMarkCheckoutUser } from '../../src/db/checkout';
import type { Db } from '../../src/db/client';
import { signCheckoutMarker } from '../../src/lib/checkout/checkout-marker';
import { checkoutSessionParams } from '../../src/lib/checkout/create-checkout-session';
import type { PriceConfig } from '../../src/lib/checkout';

export interface SeedDeps {
  db: Db;
  stripe: Stripe;
  prices: readonly PriceConfig[];
  markerKey: string;
}

export interface SeededSession {
  id: string;
  clerkUserId: string;
  appUserId: string;
  price: PriceConfig;
  creditQty: number;
}

const toForm = (v: unknown): FormValue =>
  Array.isArray(v) ? v.map(toForm) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toForm(x)])) : String(v);

/** `count` sessions for `buyers` new buyers (round robin, alternating prices), created evenly over the last `spanSeconds`. */
export async function seedPaidSessions(emulator: Pick<StripeEmulator, 'seedPaidSessions'>, deps: SeedDeps, o: { count: number; buyers: string[]; spanSeconds: number }): Promise<SeededSession[]> {
  const nowS = Math.floor(Date.now() / 1000);
  const buyers = await Promise.all(
    o.buyers.map(async (clerkUserId) => {
      const user = await findOrMarkCheckoutUser(deps.db, clerkUserId, `${clerkUserId}@example.com`);
      const customer = await deps.stripe.customers.create({ email: user.email });
      const markers = await Promise.all(
        deps.prices.map((p) => signCheckoutMarker(deps.markerKey, { clerkUserId, appUserId: user.id, priceId: p.priceId, creditQty: p.creditQty, amountCents: p.amountCents, currency: p.currency })),
      );
      return { clerkUserId, appUserId: user.id, customerId: customer.id, markers };
    }),
  );
  const specs = Array.from({ length: o.count }, (_, i) => {
    const b = buyers[i % buyers.length]!;
    const k = i % deps.prices.length;
    const price = deps.prices[k]!;
    const params = checkoutSessionParams({ price, customerId: b.customerId, appUserId: b.appUserId, clerkUserId: b.clerkUserId, appUrl: 'http://localhost:3000', marker: b.markers[k] });
    const created = nowS - Math.floor(((o.count - i) * o.spanSeconds) / o.count);
    return { params: toForm(params) as FormObject, created, clerkUserId: b.clerkUserId, appUserId: b.appUserId, price, creditQty: price.creditQty };
  });
  const ids = emulator.seedPaidSessions(specs.map(({ params, created }) => ({ params, created })));
  return specs.map(({ clerkUserId, appUserId, price, creditQty }, i) => ({ id: ids[i]!, clerkUserId, appUserId, price, creditQty }));
}

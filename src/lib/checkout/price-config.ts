// The catalogue, the single source of truth for what is sold: label, credits, amount and currency of each pack, the
// Stripe lookup key `npm run stripe:setup` finds or creates its price by, and the variable holding its Price id. The
// pricing page, checkout, fulfilment, the setup script and the doctor all read it; the client only names a price.
import 'server-only';

export interface CatalogueEntry {
  /** The env variable holding the Price id (written by `npm run stripe:setup`). */
  envVar: 'STRIPE_PRICE_SINGLE_FLIGHT' | 'STRIPE_PRICE_SERIAL_ENTREPRENEUR';
  lookupKey: string;
  label: string;
  creditQty: number;
  amountCents: number;
  currency: string;
}

export interface PriceConfig extends CatalogueEntry {
  priceId: string;
}

/** What a paid session bought: a configured price, or a retired one whose terms the session's signed marker carries. */
export type PurchasedPrice = Pick<PriceConfig, 'priceId' | 'creditQty' | 'label' | 'amountCents' | 'currency'>;

export interface PriceIds {
  singleFlight: string;
  serialEntrepreneur: string;
}

export const CATALOGUE = {
  singleFlight: {
    envVar: 'STRIPE_PRICE_SINGLE_FLIGHT', lookupKey: 'workshop_credits_single_flight',
    label: 'Single Flight Workshop', creditQty: 1, amountCents: 7900, currency: 'usd',
  },
  serialEntrepreneur: {
    envVar: 'STRIPE_PRICE_SERIAL_ENTREPRENEUR', lookupKey: 'workshop_credits_serial_entrepreneur',
    label: 'Serial Entrepreneur Pack', creditQty: 3, amountCents: 14900, currency: 'usd',
  },
} as const satisfies Record<keyof PriceIds, CatalogueEntry>;

export function buildPriceCatalog(ids: PriceIds): PriceConfig[] {
  return [
    { ...CATALOGUE.singleFlight, priceId: ids.singleFlight },
    { ...CATALOGUE.serialEntrepreneur, priceId: ids.serialEntrepreneur },
  ];
}

/**
 * Looks a price id up in the configured catalogue. Only exact, own-property matches count: `__proto__`,
 * `constructor`, padded or re-cased ids, and an unset variable's empty id never match.
 */
export function getPriceConfig(priceId: unknown, catalog: readonly PriceConfig[]): PriceConfig | null {
  if (typeof priceId !== 'string' || priceId.length === 0) return null;
  return catalog.find((config) => config.priceId.length > 0 && config.priceId === priceId) ?? null;
}

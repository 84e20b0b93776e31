// The server's price map: which Stripe Price ids can be bought and what each grants. The client only names a price;
// credits, label and amount always come from here.
import 'server-only';

export interface PriceConfig {
  priceId: string;
  creditQty: number;
  label: string;
  amountCents: number;
}

export interface PriceIds {
  singleFlight: string;
  serialEntrepreneur: string;
}

export function buildPriceCatalog(ids: PriceIds): PriceConfig[] {
  return [
    { priceId: ids.singleFlight, creditQty: 1, label: 'Single Flight Workshop', amountCents: 7900 },
    { priceId: ids.serialEntrepreneur, creditQty: 3, label: 'Serial Entrepreneur Pack', amountCents: 14900 },
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

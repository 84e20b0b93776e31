import { describe, expect, it } from 'vitest';
import { buildPriceCatalog, getPriceConfig } from '@/lib/checkout/price-config';

const catalog = buildPriceCatalog({ singleFlight: 'price_single', serialEntrepreneur: 'price_serial' });

describe('getPriceConfig', () => {
  it('resolves each configured price to its server-side credits, label and amount', () => {
    expect(getPriceConfig('price_single', catalog)).toEqual({
      priceId: 'price_single', creditQty: 1, label: 'Single Flight Workshop', amountCents: 7900, currency: 'usd',
      envVar: 'STRIPE_PRICE_SINGLE_FLIGHT', lookupKey: 'workshop_credits_single_flight',
    });
    expect(getPriceConfig('price_serial', catalog)).toEqual({
      priceId: 'price_serial', creditQty: 3, label: 'Serial Entrepreneur Pack', amountCents: 14900, currency: 'usd',
      envVar: 'STRIPE_PRICE_SERIAL_ENTREPRENEUR', lookupKey: 'workshop_credits_serial_entrepreneur',
    });
  });

  it.each([
    ['an unknown price', 'price_other'],
    ['a product id', 'prod_single'],
    ['a padded id', ' price_single '],
    ['a re-cased id', 'PRICE_SINGLE'],
    ['an empty string', ''],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['toString', 'toString'],
    ['a number', 1],
    ['an array', ['price_single']],
    ['an object', { priceId: 'price_single' }],
    ['null', null],
    ['undefined', undefined],
  ])('answers null for %s', (_label, input) => {
    expect(getPriceConfig(input, catalog)).toBeNull();
  });

  it('never lets an unset price variable match an empty or missing input', () => {
    const unset = buildPriceCatalog({ singleFlight: '', serialEntrepreneur: 'price_serial' });
    expect(getPriceConfig('', unset)).toBeNull();
    expect(getPriceConfig(undefined, unset)).toBeNull();
  });
});

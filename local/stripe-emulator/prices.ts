// The Price resource (one-time prices only): create, retrieve, list by lookup key, and update. As at Stripe, the
// amount and currency of a price never change; a new amount is a new price, to which the lookup key can be moved.
import type Stripe from 'stripe';
import { errors } from './errors';
import type { FormObject } from './form';
import { base62 } from './ids';
import {
  ensureKnown, expandList, metadata, optArray, optBoolean, optEnum, optObject, optPositiveInt, optString, requiredString,
} from './params';
import { addProduct } from './products';
import type { EmulatorStore } from './store';
import type { EmulatorPrice, PriceObject } from './types';

const CREATE_PARAMS = [
  'currency', 'product', 'product_data', 'unit_amount', 'lookup_key', 'transfer_lookup_key', 'active', 'nickname',
  'metadata', 'expand',
] as const;
const UPDATE_PARAMS = ['active', 'lookup_key', 'transfer_lookup_key', 'nickname', 'metadata', 'expand'] as const;
const NOT_EMULATED = [
  'billing_scheme', 'currency_options', 'custom_unit_amount', 'recurring', 'tax_behavior', 'tiers', 'tiers_mode',
  'transform_quantity', 'unit_amount_decimal', 'migrate_to',
];

export function toPriceObject(p: EmulatorPrice): PriceObject {
  return {
    id: p.id,
    object: 'price',
    active: p.active ?? true,
    billing_scheme: 'per_unit',
    created: p.created ?? 0,
    currency: p.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: p.lookupKey ?? null,
    metadata: { ...(p.metadata ?? {}) },
    nickname: p.nickname ?? null,
    product: p.productId,
    recurring: null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'one_time',
    unit_amount: p.unitAmount,
    unit_amount_decimal: String(p.unitAmount),
  };
}

function render(store: EmulatorStore, p: EmulatorPrice, expand: readonly string[]): PriceObject {
  const price = toPriceObject(p);
  if (expand.includes('product') || expand.includes('data.product')) {
    const product = store.products.get(p.productId);
    if (product) price.product = structuredClone(product);
  }
  return price;
}

// A lookup key belongs to one price; taking it from another needs `transfer_lookup_key=true`, as at Stripe.
function claimLookupKey(store: EmulatorStore, key: string, transfer: boolean, forId: string): void {
  const holder = [...store.prices.values()].find((p) => p.lookupKey === key && p.id !== forId);
  if (!holder) return;
  if (!transfer) {
    throw errors.invalid(
      `A price (\`${holder.id}\`) already uses that lookup key. Pass \`transfer_lookup_key=true\` to move it to this price.`,
      { param: 'lookup_key' },
    );
  }
  holder.lookupKey = null;
}

function currencyOf(body: FormObject): string {
  const currency = requiredString(body, 'currency', 'currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw errors.invalid(`Invalid currency: ${currency}.`, { param: 'currency' });
  return currency;
}

function unitAmountOf(body: FormObject): number {
  const raw = optString(body, 'unit_amount', 'unit_amount');
  if (raw === undefined) throw errors.missingParam('unit_amount');
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw errors.invalid(`Invalid non-negative integer`, { param: 'unit_amount', code: 'parameter_invalid_integer' });
  }
  return Number(raw);
}

export function createPrice(store: EmulatorStore, body: FormObject): PriceObject {
  ensureKnown(body, CREATE_PARAMS, undefined, NOT_EMULATED);
  const expand = expandList(body, ['product']);
  const currency = currencyOf(body);
  const unitAmount = unitAmountOf(body);
  const productId = optString(body, 'product', 'product');
  const productData = optObject(body, 'product_data', 'product_data');
  if ((productId === undefined) === (productData === undefined)) {
    throw errors.invalid('You must specify exactly one of `product` or `product_data`.', { param: 'product' });
  }
  let product = productId === undefined ? undefined : store.products.get(productId);
  if (productId !== undefined && !product) throw errors.resourceMissing('product', productId, { param: 'product' });
  if (productData) {
    ensureKnown(productData, ['name', 'active', 'metadata'], 'product_data', ['id', 'statement_descriptor', 'tax_code', 'unit_label', 'tax_details']);
    product = addProduct(store, productData, 'product_data');
  }
  const id = `price_1${base62(23)}`;
  const lookupKey = optString(body, 'lookup_key', 'lookup_key', 200);
  if (lookupKey !== undefined) claimLookupKey(store, lookupKey, optBoolean(body, 'transfer_lookup_key', 'transfer_lookup_key') ?? false, id);
  const price: EmulatorPrice = {
    id,
    productId: product?.id ?? '',
    productName: product?.name ?? '',
    unitAmount,
    currency,
    lookupKey: lookupKey ?? null,
    active: optBoolean(body, 'active', 'active') ?? true,
    created: Math.floor(Date.now() / 1000),
    nickname: optString(body, 'nickname', 'nickname') ?? null,
    metadata: metadata(body),
  };
  store.prices.set(id, price);
  return render(store, price, expand);
}

function found(store: EmulatorStore, id: string): EmulatorPrice {
  const price = store.prices.get(id);
  if (!price) throw errors.resourceMissing('price', id, { param: 'price', status: 404 });
  return price;
}

export function retrievePrice(store: EmulatorStore, id: string, query: FormObject): PriceObject {
  ensureKnown(query, ['expand']);
  return render(store, found(store, id), expandList(query, ['product']));
}

/** `unit_amount` and `currency` are not updatable at Stripe, so they are refused as unknown parameters. */
export function updatePrice(store: EmulatorStore, id: string, body: FormObject): PriceObject {
  ensureKnown(body, UPDATE_PARAMS, undefined, NOT_EMULATED);
  const expand = expandList(body, ['product']);
  const price = found(store, id);
  const active = optBoolean(body, 'active', 'active');
  if (active !== undefined) price.active = active;
  if (body.lookup_key !== undefined) {
    const key = optString(body, 'lookup_key', 'lookup_key', 200);
    // An empty value unsets the key.
    if (key === undefined || key === '') {
      price.lookupKey = null;
    } else {
      claimLookupKey(store, key, optBoolean(body, 'transfer_lookup_key', 'transfer_lookup_key') ?? false, id);
      price.lookupKey = key;
    }
  }
  const nickname = optString(body, 'nickname', 'nickname');
  if (nickname !== undefined) price.nickname = nickname;
  if (body.metadata !== undefined) price.metadata = { ...(price.metadata ?? {}), ...metadata(body) };
  return render(store, price, expand);
}

export function listPrices(store: EmulatorStore, query: FormObject): Stripe.ApiList<PriceObject> {
  ensureKnown(query, ['active', 'currency', 'product', 'type', 'lookup_keys', 'limit', 'starting_after', 'ending_before', 'expand', 'created', 'recurring']);
  const expand = expandList(query, ['data.product']);
  const active = optBoolean(query, 'active', 'active');
  const currency = optString(query, 'currency', 'currency');
  const product = optString(query, 'product', 'product');
  const type = optEnum(query, 'type', 'type', ['one_time', 'recurring'] as const);
  const lookupKeys = optArray(query, 'lookup_keys', 'lookup_keys');
  if (lookupKeys && lookupKeys.length > 10) throw errors.invalid('You may only specify up to 10 lookup keys.', { param: 'lookup_keys' });
  const limit = optPositiveInt(query, 'limit', 'limit') ?? 10;
  if (limit > 100) throw errors.invalid('This value must be less than or equal to 100.', { param: 'limit' });
  const all = [...store.prices.values()].reverse().filter(
    (p) =>
      (active === undefined || (p.active ?? true) === active) &&
      (currency === undefined || p.currency === currency) &&
      (product === undefined || p.productId === product) &&
      type !== 'recurring' &&
      (lookupKeys === undefined || (p.lookupKey != null && lookupKeys.includes(p.lookupKey))),
  );
  return {
    object: 'list',
    data: all.slice(0, limit).map((p) => render(store, p, expand)),
    has_more: all.length > limit,
    url: '/v1/prices',
  };
}

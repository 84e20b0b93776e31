// The Product resource: create, retrieve, list and update, with Stripe's parameter rules. Only what a one-time
// catalogue needs is emulated; the other real parameters are refused by name.
import type Stripe from 'stripe';
import { errors } from './errors';
import type { FormObject } from './form';
import { base62 } from './ids';
import { ensureKnown, expandList, metadata, optBoolean, optPositiveInt, optString, requiredString } from './params';
import type { EmulatorStore } from './store';
import type { ProductObject } from './types';

const CREATE_PARAMS = ['name', 'active', 'description', 'metadata', 'id', 'expand'] as const;
const UPDATE_PARAMS = ['name', 'active', 'description', 'metadata', 'expand'] as const;
const NOT_EMULATED = [
  'default_price_data', 'images', 'marketing_features', 'package_dimensions', 'shippable', 'statement_descriptor',
  'tax_code', 'unit_label', 'url', 'default_price', 'tax_details',
];

/** Builds and stores a product from `name` / `active` / `description` / `metadata` (also `product_data` of a price). */
export function addProduct(store: EmulatorStore, fields: FormObject, prefix?: string, id = `prod_${base62(14)}`): ProductObject {
  const param = (key: string) => (prefix ? `${prefix}[${key}]` : key);
  const now = Math.floor(Date.now() / 1000);
  const product: ProductObject = {
    id,
    object: 'product',
    active: optBoolean(fields, 'active', param('active')) ?? true,
    created: now,
    default_price: null,
    description: optString(fields, 'description', param('description'), 40000) ?? null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: metadata(fields),
    name: requiredString(fields, 'name', param('name')),
    package_dimensions: null,
    shippable: null,
    tax_code: null,
    type: 'service',
    updated: now,
    url: null,
  };
  store.products.set(id, product);
  return product;
}

export function createProduct(store: EmulatorStore, body: FormObject): ProductObject {
  ensureKnown(body, CREATE_PARAMS, undefined, NOT_EMULATED);
  expandList(body, []);
  const id = optString(body, 'id', 'id');
  if (id !== undefined && store.products.has(id)) throw errors.invalid(`Product already exists.`, { param: 'id', code: 'resource_already_exists' });
  return structuredClone(addProduct(store, body, undefined, id));
}

function found(store: EmulatorStore, id: string): ProductObject {
  const product = store.products.get(id);
  if (!product) throw errors.resourceMissing('product', id, { param: 'id', status: 404 });
  return product;
}

export function retrieveProduct(store: EmulatorStore, id: string, query: FormObject): ProductObject {
  ensureKnown(query, ['expand']);
  expandList(query, []);
  return structuredClone(found(store, id));
}

export function updateProduct(store: EmulatorStore, id: string, body: FormObject): ProductObject {
  ensureKnown(body, UPDATE_PARAMS, undefined, NOT_EMULATED);
  expandList(body, []);
  const product = found(store, id);
  const name = optString(body, 'name', 'name');
  if (name !== undefined) product.name = name;
  const active = optBoolean(body, 'active', 'active');
  if (active !== undefined) product.active = active;
  const description = optString(body, 'description', 'description', 40000);
  if (description !== undefined) product.description = description;
  if (body.metadata !== undefined) product.metadata = { ...product.metadata, ...metadata(body) };
  product.updated = Math.floor(Date.now() / 1000);
  return structuredClone(product);
}

export function listProducts(store: EmulatorStore, query: FormObject): Stripe.ApiList<ProductObject> {
  ensureKnown(query, ['active', 'ids', 'limit', 'starting_after', 'ending_before', 'expand']);
  expandList(query, []);
  const active = optBoolean(query, 'active', 'active');
  const limit = optPositiveInt(query, 'limit', 'limit') ?? 10;
  // Newest first, as Stripe lists.
  const all = [...store.products.values()].reverse().filter((p) => active === undefined || p.active === active);
  return { object: 'list', data: all.slice(0, limit).map((p) => structuredClone(p)), has_more: all.length > limit, url: '/v1/products' };
}

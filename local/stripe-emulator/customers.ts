// The Customer resource: validates `POST /v1/customers` the way Stripe does and builds Customer objects.
import { errors } from './errors';
import type { FormObject } from './form';
import { newId } from './ids';
import { ensureKnown, expandList, metadata, optString } from './params';
import type { EmulatorStore } from './store';
import type { StripeCustomerObject } from './types';

export interface CustomerClock {
  now(): number;
  searchLagMs: number;
}

const CREATE_PARAMS = ['email', 'name', 'description', 'phone', 'metadata', 'expand'] as const;
const NOT_EMULATED = [
  'address', 'balance', 'cash_balance', 'invoice_prefix', 'invoice_settings', 'next_invoice_sequence',
  'payment_method', 'preferred_locales', 'shipping', 'source', 'tax', 'tax_exempt', 'tax_id_data', 'test_clock',
];

export function createCustomer(store: EmulatorStore, body: FormObject, clock: CustomerClock): StripeCustomerObject {
  ensureKnown(body, CREATE_PARAMS, undefined, NOT_EMULATED);
  expandList(body, []);
  const email = optString(body, 'email', 'email', 512);
  // Stripe rejects obviously malformed addresses at creation time.
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw errors.invalid(`Invalid email address: ${email}`, { param: 'email', code: 'email_invalid' });
  }
  const customer: StripeCustomerObject = {
    id: newId.customer(),
    object: 'customer',
    address: null,
    balance: 0,
    created: Math.floor(clock.now() / 1000),
    currency: null,
    default_source: null,
    delinquent: false,
    description: optString(body, 'description', 'description', 350) ?? null,
    discount: null,
    email: email ?? null,
    invoice_prefix: newId.invoicePrefix(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: metadata(body),
    name: optString(body, 'name', 'name', 256) ?? null,
    next_invoice_sequence: 1,
    phone: optString(body, 'phone', 'phone', 20) ?? null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
  store.addCustomer(customer, clock.now() + clock.searchLagMs);
  return structuredClone(customer);
}

export function retrieveCustomer(store: EmulatorStore, id: string, query: FormObject): StripeCustomerObject {
  ensureKnown(query, ['expand']);
  expandList(query, []);
  const customer = store.customer(id);
  if (!customer) throw errors.resourceMissing('customer', id, { param: 'id', status: 404 });
  return customer;
}

export function deleteCustomer(store: EmulatorStore, id: string, body: FormObject): { id: string; object: 'customer'; deleted: true } {
  ensureKnown(body, []);
  if (!store.deleteCustomer(id)) throw errors.resourceMissing('customer', id, { param: 'id', status: 404 });
  return { id, object: 'customer', deleted: true };
}

// The subset of Stripe's search query language the app needs: `field:'value'` clauses on email or metadata['key'],
// joined with AND. Anything else is refused the way Stripe refuses a query it cannot parse.
const CLAUSE = /^(email|metadata\['([A-Za-z0-9_]+)'\]):'([^']*)'$/;

// Stripe's Search API is not offered to every account (the API reference: "not available to merchants in India"); such
// an account gets an invalid-request error on every search. The exact wording is not documented; the app must not
// depend on it, only survive it.
export function searchCustomers(store: EmulatorStore, query: FormObject, now: number, available = true) {
  if (!available) throw errors.invalid('Search is not available for your account. Use the list endpoint with filters instead.');
  ensureKnown(query, ['query', 'limit', 'page', 'expand']);
  expandList(query, []);
  const text = optString(query, 'query', 'query', 10_000);
  if (text === undefined) throw errors.missingParam('query');
  const clauses = text.split(/\s+AND\s+/).map((part) => {
    const m = CLAUSE.exec(part.trim());
    if (!m) throw errors.invalid(`The query \`${text}\` could not be parsed.`, { param: 'query' });
    return { field: m[1] ?? '', metadataKey: m[2], value: m[3] ?? '' };
  });
  const limit = Number(optString(query, 'limit', 'limit', 3) ?? '10');
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw errors.invalid('Invalid integer: limit must be between 1 and 100.', { param: 'limit' });
  }
  // Search returns newest first, like every Stripe list.
  const matches = store
    .searchableCustomers(now)
    .filter((c) =>
      clauses.every((cl) => (cl.metadataKey !== undefined ? c.metadata[cl.metadataKey] === cl.value : c.email === cl.value)),
    )
    .reverse();
  return {
    object: 'search_result' as const,
    data: matches.slice(0, limit),
    has_more: matches.length > limit,
    next_page: null,
    url: '/v1/customers/search',
  };
}

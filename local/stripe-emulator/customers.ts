// The Customer resource: validates `POST /v1/customers` the way Stripe does and builds Customer objects.
import { errors } from './errors';
import type { FormObject } from './form';
import { newId } from './ids';
import { ensureKnown, expandList, metadata, optString } from './params';
import type { EmulatorStore } from './store';
import type { StripeCustomerObject } from './types';

const CREATE_PARAMS = ['email', 'name', 'description', 'phone', 'metadata', 'expand'] as const;
const NOT_EMULATED = [
  'address', 'balance', 'cash_balance', 'invoice_prefix', 'invoice_settings', 'next_invoice_sequence',
  'payment_method', 'preferred_locales', 'shipping', 'source', 'tax', 'tax_exempt', 'tax_id_data', 'test_clock',
];

export function createCustomer(store: EmulatorStore, body: FormObject): StripeCustomerObject {
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
    created: Math.floor(Date.now() / 1000),
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
  store.addCustomer(customer);
  return structuredClone(customer);
}

export function retrieveCustomer(store: EmulatorStore, id: string, query: FormObject): StripeCustomerObject {
  ensureKnown(query, ['expand']);
  expandList(query, []);
  const customer = store.customer(id);
  if (!customer) throw errors.resourceMissing('customer', id, { param: 'id', status: 404 });
  return customer;
}

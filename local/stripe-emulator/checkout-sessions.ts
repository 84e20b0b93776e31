// The Checkout Session resource: validates `POST /v1/checkout/sessions` by Stripe's rules, builds Session and
// LineItem objects from the price catalogue, and serves retrieval (with `expand`) and line item listing.
// Only `mode=payment` with catalogue prices is emulated; other real parameters are refused loudly, not ignored.
import { errors } from './errors';
import { toPriceObject } from './prices';
import { isFormObject, type FormObject } from './form';
import { createdFilter, newestFirst, page } from './events';
import { newId } from './ids';
import {
  ensureKnown,
  expandList,
  metadata,
  optArray,
  optBoolean,
  optEnum,
  optObject,
  optPositiveInt,
  optString,
  optUrl,
  requiredString,
} from './params';
import type { EmulatorStore, SessionRecord } from './store';
import type { CheckoutSessionObject, LineItemListObject, LineItemObject, PriceObject } from './types';

const CREATE_PARAMS = [
  'mode', 'line_items', 'success_url', 'cancel_url', 'customer', 'customer_email', 'client_reference_id',
  'metadata', 'expand', 'expires_at', 'ui_mode', 'locale', 'submit_type', 'allow_promotion_codes',
  'billing_address_collection', 'customer_creation', 'payment_method_types', 'payment_intent_data',
  'automatic_tax', 'customer_update', 'invoice_creation',
] as const;
// Stripe's Checkout locales (SessionCreateParams.Locale in the SDK).
const LOCALES = [
  'auto', 'bg', 'cs', 'da', 'de', 'el', 'en', 'en-GB', 'es', 'es-419', 'et', 'fi', 'fil', 'fr', 'fr-CA', 'hr', 'hu', 'id',
  'it', 'ja', 'ko', 'lt', 'lv', 'ms', 'mt', 'nb', 'nl', 'pl', 'pt', 'pt-BR', 'ro', 'ru', 'sk', 'sl', 'sv', 'th', 'tr', 'vi',
  'zh', 'zh-HK', 'zh-TW',
] as const;
const NOT_EMULATED = [
  'adaptive_pricing', 'after_expiration', 'branding_settings', 'consent_collection', 'currency',
  'custom_fields', 'custom_text', 'customer_account', 'discounts', 'excluded_payment_method_types',
  'name_collection', 'optional_items', 'origin_context', 'payment_method_collection',
  'payment_method_configuration', 'payment_method_data', 'payment_method_options', 'permissions',
  'phone_number_collection', 'redirect_on_completion', 'return_url', 'saved_payment_method_options',
  'setup_intent_data', 'shipping_address_collection', 'shipping_options', 'subscription_data',
  'tax_id_collection', 'wallet_options',
];
const LINE_ITEM_PARAMS = ['price', 'quantity', 'metadata'] as const;
const LINE_ITEM_NOT_EMULATED = ['adjustable_quantity', 'dynamic_tax_rates', 'price_data', 'tax_rates'];
const PAYMENT_INTENT_DATA_PARAMS = ['description', 'metadata'] as const;
const EXPANDABLE = ['line_items', 'customer'] as const;
const DAY = 24 * 60 * 60;

function priceObject(store: EmulatorStore, priceId: string): PriceObject {
  const p = store.prices.get(priceId);
  if (!p) throw new Error(`price ${priceId} vanished from the catalogue`);
  return toPriceObject(p);
}

function parseLineItems(store: EmulatorStore, body: FormObject): LineItemObject[] {
  const raw = optArray(body, 'line_items', 'line_items');
  if (raw === undefined || raw.length === 0) throw errors.missingParam('line_items');
  if (raw.length > 100) throw errors.invalid('You may only specify up to 100 line items.', { param: 'line_items' });
  const items = raw.map((entry, i): LineItemObject => {
    const prefix = `line_items[${i}]`;
    if (!isFormObject(entry)) throw errors.invalid('Invalid hash', { param: prefix });
    ensureKnown(entry, LINE_ITEM_PARAMS, prefix, LINE_ITEM_NOT_EMULATED);
    const priceId = requiredString(entry, 'price', `${prefix}[price]`);
    const price = store.prices.get(priceId);
    if (!price) throw errors.resourceMissing('price', priceId, { param: `${prefix}[price]` });
    if (price.active === false) {
      throw errors.invalid('The price specified is inactive. This field only accepts active prices.', { param: `${prefix}[price]` });
    }
    const quantity = optPositiveInt(entry, 'quantity', `${prefix}[quantity]`);
    if (quantity === undefined) {
      throw errors.invalid(`Quantity is required. Add \`quantity\` to \`${prefix}\``, {
        param: `${prefix}[quantity]`,
        code: 'parameter_missing',
      });
    }
    const amount = price.unitAmount * quantity;
    return {
      id: newId.lineItem(),
      object: 'item',
      adjustable_quantity: null,
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price.currency,
      description: price.productName,
      metadata: metadata(entry),
      price: priceObject(store, priceId),
      quantity,
    };
  });
  const currencies = new Set(items.map((item) => item.currency));
  if (currencies.size > 1) {
    throw errors.invalid('All line items must have the same currency.', { param: 'line_items' });
  }
  return items;
}

// Stripe needs an address to calculate tax: for an existing Customer (who has none here), Checkout must be allowed to
// save the address the buyer enters, i.e. `customer_update[address]=auto`.
function parseAutomaticTax(body: FormObject, customerId: string | undefined): boolean {
  const update = optObject(body, 'customer_update', 'customer_update');
  if (update) {
    if (customerId === undefined) throw errors.invalid('`customer_update` can only be used with `customer`.', { param: 'customer_update' });
    ensureKnown(update, ['address', 'name', 'shipping'], 'customer_update');
    for (const key of ['address', 'name', 'shipping'] as const) optEnum(update, key, `customer_update[${key}]`, ['auto', 'never'] as const);
  }
  const tax = optObject(body, 'automatic_tax', 'automatic_tax');
  if (!tax) return false;
  ensureKnown(tax, ['enabled'], 'automatic_tax', ['liability']);
  const enabled = optBoolean(tax, 'enabled', 'automatic_tax[enabled]');
  if (enabled === undefined) throw errors.missingParam('automatic_tax[enabled]');
  if (enabled && customerId !== undefined && update?.address !== 'auto') {
    throw errors.invalid(
      "Automatic tax calculation in Checkout requires a valid address on the Customer. Add a valid address to the Customer or set either `customer_update[address]` to 'auto' or `customer_update[shipping]` to 'auto' to save the address entered in Checkout to the Customer.",
      { param: 'automatic_tax[enabled]' },
    );
  }
  return enabled;
}

function parseExpiresAt(body: FormObject, created: number): number {
  const raw = optString(body, 'expires_at', 'expires_at');
  if (raw === undefined) return created + DAY;
  if (!/^\d+$/.test(raw)) throw errors.invalid(`Invalid integer: ${raw}`, { param: 'expires_at', code: 'parameter_invalid_integer' });
  const at = Number(raw);
  if (at > created + DAY) {
    throw errors.invalid('The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.', { param: 'expires_at' });
  }
  if (at < created + 30 * 60) {
    throw errors.invalid('The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.', { param: 'expires_at' });
  }
  return at;
}

function parsePaymentMethodTypes(body: FormObject): string[] {
  const raw = optArray(body, 'payment_method_types', 'payment_method_types');
  if (raw === undefined) return ['card'];
  return raw.map((t, i) => {
    if (typeof t !== 'string' || t === '') throw errors.invalid('Invalid string', { param: `payment_method_types[${i}]` });
    return t;
  });
}

export function createCheckoutSession(store: EmulatorStore, body: FormObject, baseUrl: string): CheckoutSessionObject {
  ensureKnown(body, CREATE_PARAMS, undefined, NOT_EMULATED);
  const expand = expandList(body, EXPANDABLE);
  const mode = optEnum(body, 'mode', 'mode', ['payment', 'setup', 'subscription'] as const);
  if (mode === undefined) throw errors.missingParam('mode');
  if (mode !== 'payment') {
    throw errors.invalid(`The local Stripe emulator only implements mode=payment (got mode=${mode}).`, { param: 'mode' });
  }
  const uiMode = optEnum(body, 'ui_mode', 'ui_mode', ['hosted', 'embedded', 'custom'] as const) ?? 'hosted';
  if (uiMode !== 'hosted') {
    throw errors.invalid(`The local Stripe emulator only implements ui_mode=hosted (got ui_mode=${uiMode}).`, { param: 'ui_mode' });
  }
  const created = Math.floor(Date.now() / 1000);
  const lineItems = parseLineItems(store, body);
  const successUrl = optUrl(body, 'success_url', 'success_url');
  if (successUrl === undefined) throw errors.missingParam('success_url');
  const cancelUrl = optUrl(body, 'cancel_url', 'cancel_url');

  const customerId = optString(body, 'customer', 'customer');
  const customerEmail = optString(body, 'customer_email', 'customer_email', 800);
  if (customerId !== undefined && customerEmail !== undefined) {
    throw errors.invalid('You may only specify one of these parameters: customer, customer_email.', {
      param: 'customer_email',
      code: 'parameters_exclusive',
    });
  }
  if (customerId !== undefined && !store.customer(customerId)) {
    throw errors.resourceMissing('customer', customerId, { param: 'customer' });
  }
  const customerCreation = optEnum(body, 'customer_creation', 'customer_creation', ['always', 'if_required'] as const);
  if (customerId !== undefined && customerCreation !== undefined) {
    throw errors.invalid('`customer_creation` can only be used when `customer` is not set.', { param: 'customer_creation' });
  }
  const locale = optEnum(body, 'locale', 'locale', LOCALES);
  const automaticTax = parseAutomaticTax(body, customerId);
  const invoiceCreation = optObject(body, 'invoice_creation', 'invoice_creation');
  if (invoiceCreation) ensureKnown(invoiceCreation, ['enabled'], 'invoice_creation', ['invoice_data']);
  const invoiceEnabled = invoiceCreation ? optBoolean(invoiceCreation, 'enabled', 'invoice_creation[enabled]') : undefined;
  if (invoiceCreation && invoiceEnabled === undefined) throw errors.missingParam('invoice_creation[enabled]');
  const pid = optObject(body, 'payment_intent_data', 'payment_intent_data');
  if (pid) {
    ensureKnown(pid, PAYMENT_INTENT_DATA_PARAMS, 'payment_intent_data', ['application_fee_amount', 'capture_method',
      'on_behalf_of', 'receipt_email', 'setup_future_usage', 'shipping', 'statement_descriptor',
      'statement_descriptor_suffix', 'transfer_data', 'transfer_group']);
    optString(pid, 'description', 'payment_intent_data[description]', 1000);
    metadata(pid);
  }

  const id = newId.checkoutSession();
  const amount = lineItems.reduce((sum, item) => sum + item.amount_total, 0);
  const session: CheckoutSessionObject = {
    id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: optBoolean(body, 'allow_promotion_codes', 'allow_promotion_codes') ?? null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: automaticTax
      ? { enabled: true, liability: { type: 'self' }, provider: 'stripe', status: 'requires_location_inputs' }
      : { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection:
      optEnum(body, 'billing_address_collection', 'billing_address_collection', ['auto', 'required'] as const) ?? null,
    cancel_url: cancelUrl ?? null,
    client_reference_id: optString(body, 'client_reference_id', 'client_reference_id', 200) ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created,
    currency: lineItems[0]?.currency ?? null,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: customerId ?? null,
    customer_account: null,
    customer_creation: customerId !== undefined ? null : (customerCreation ?? 'if_required'),
    customer_details: null,
    customer_email: customerEmail ?? null,
    discounts: [],
    expires_at: parseExpiresAt(body, created),
    invoice: null,
    invoice_creation: {
      enabled: invoiceEnabled ?? false,
      invoice_data: {
        account_tax_ids: null,
        custom_fields: null,
        description: null,
        footer: null,
        issuer: null,
        metadata: {},
        rendering_options: null,
      },
    },
    livemode: false,
    locale: locale ?? null,
    metadata: metadata(body),
    mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'if_required',
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: parsePaymentMethodTypes(body),
    payment_status: 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: optEnum(body, 'submit_type', 'submit_type', ['auto', 'book', 'donate', 'pay', 'subscribe'] as const) ?? null,
    subscription: null,
    success_url: successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: `${baseUrl}/c/pay/${id}`,
    wallet_options: null,
  };
  const record: SessionRecord = { session, lineItems, awaitingAsyncPayment: false };
  store.addSession(record);
  return render(store, id, expand);
}

function lineItemList(sessionId: string, items: LineItemObject[], limit: number): LineItemListObject {
  return {
    object: 'list',
    data: items.slice(0, limit),
    has_more: items.length > limit,
    url: `/v1/checkout/sessions/${sessionId}/line_items`,
  };
}

function render(store: EmulatorStore, id: string, expand: readonly string[]): CheckoutSessionObject {
  const session = store.session(id);
  const items = store.lineItems(id);
  if (!session || !items) throw errors.resourceMissing('checkout.session', id, { param: 'session', status: 404 });
  // Expanded lists come back as their first page, as with Stripe.
  if (expand.includes('line_items')) session.line_items = lineItemList(id, items, 10);
  if (expand.includes('customer') && typeof session.customer === 'string') {
    session.customer = store.customer(session.customer) ?? session.customer;
  }
  return session;
}

export function retrieveCheckoutSession(store: EmulatorStore, id: string, query: FormObject): CheckoutSessionObject {
  ensureKnown(query, ['expand']);
  return render(store, id, expandList(query, EXPANDABLE));
}

export function listLineItems(store: EmulatorStore, id: string, query: FormObject): LineItemListObject {
  ensureKnown(query, ['limit', 'starting_after', 'ending_before', 'expand']);
  expandList(query, []);
  const items = store.lineItems(id);
  if (!items) throw errors.resourceMissing('checkout.session', id, { param: 'session', status: 404 });
  const limit = optPositiveInt(query, 'limit', 'limit') ?? 10;
  if (limit > 100) throw errors.invalid('This value must be less than or equal to 100.', { param: 'limit' });
  const after = optString(query, 'starting_after', 'starting_after');
  const before = optString(query, 'ending_before', 'ending_before');
  let window = items;
  if (after !== undefined) {
    const i = items.findIndex((item) => item.id === after);
    if (i === -1) throw errors.resourceMissing('line item', after, { param: 'starting_after' });
    window = items.slice(i + 1);
  } else if (before !== undefined) {
    const i = items.findIndex((item) => item.id === before);
    if (i === -1) throw errors.resourceMissing('line item', before, { param: 'ending_before' });
    window = items.slice(Math.max(0, i - limit), i);
    return { ...lineItemList(id, window, limit), has_more: i - limit > 0 };
  }
  return lineItemList(id, window, limit);
}

/** GET /v1/checkout/sessions: newest first, filtered by status, customer, payment_intent and creation time. Filters the
 *  live records and renders only the page, so paging through 10 000 sessions does not copy 10 000 per page. */
export function listCheckoutSessions(store: EmulatorStore, query: FormObject) {
  ensureKnown(query, ['status', 'customer', 'payment_intent', 'payment_link', 'created', 'limit', 'starting_after', 'ending_before', 'expand']);
  const expand = expandList(query, ['data.line_items']).map((e) => e.replace(/^data\./, ''));
  const status = optEnum(query, 'status', 'status', ['open', 'complete', 'expired'] as const);
  const customer = optString(query, 'customer', 'customer');
  const pi = optString(query, 'payment_intent', 'payment_intent');
  const created = createdFilter(query);
  const all = newestFirst(store.liveSessions())
    .filter((s) => (status === undefined || s.status === status) && (customer === undefined || s.customer === customer))
    .filter((s) => (pi === undefined || s.payment_intent === pi) && created(s.created));
  const one = page(all, query, '/v1/checkout/sessions');
  return { ...one, data: one.data.map((s) => render(store, s.id, expand)) };
}

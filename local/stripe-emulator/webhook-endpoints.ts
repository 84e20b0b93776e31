// The WebhookEndpoint resource: create, retrieve, list, update and delete. The signing secret is returned only by
// create, as at Stripe; events go to every enabled endpoint subscribed to their type (see index.ts).
import type Stripe from 'stripe';
import { errors } from './errors';
import type { FormObject } from './form';
import { base62 } from './ids';
import { ensureKnown, expandList, metadata, optArray, optBoolean, optPositiveInt, optString, optUrl } from './params';
import type { EmulatorStore } from './store';
import type { WebhookEndpointObject } from './types';
import type { WebhookTarget } from './webhooks';

const CREATE_PARAMS = ['url', 'enabled_events', 'description', 'metadata', 'api_version', 'expand'] as const;
const UPDATE_PARAMS = ['url', 'enabled_events', 'description', 'metadata', 'disabled', 'expand'] as const;
const NOT_EMULATED = ['connect'];

function enabledEvents(body: FormObject, required: boolean): string[] | undefined {
  const raw = optArray(body, 'enabled_events', 'enabled_events');
  if (raw === undefined) {
    if (required) throw errors.missingParam('enabled_events');
    return undefined;
  }
  if (raw.length === 0) throw errors.missingParam('enabled_events');
  return raw.map((t, i) => {
    if (typeof t !== 'string' || !/^(\*|[a-z_]+(\.[a-z_]+)+)$/.test(t)) {
      throw errors.invalid(`Invalid enabled_events[${i}]: ${JSON.stringify(t)} is not a known event type.`, { param: `enabled_events[${i}]` });
    }
    return t;
  });
}

function withoutSecret(endpoint: WebhookEndpointObject & { secret: string }): WebhookEndpointObject {
  const copy: WebhookEndpointObject = structuredClone(endpoint);
  delete copy.secret;
  return copy;
}

function found(store: EmulatorStore, id: string): WebhookEndpointObject & { secret: string } {
  const endpoint = store.webhookEndpoints.get(id);
  if (!endpoint) throw errors.resourceMissing('webhook endpoint', id, { param: 'id', status: 404 });
  return endpoint;
}

export function createWebhookEndpoint(store: EmulatorStore, body: FormObject): WebhookEndpointObject {
  ensureKnown(body, CREATE_PARAMS, undefined, NOT_EMULATED);
  expandList(body, []);
  const url = optUrl(body, 'url', 'url');
  if (url === undefined) throw errors.missingParam('url');
  const endpoint = {
    id: `we_1${base62(23)}`,
    object: 'webhook_endpoint' as const,
    api_version: optString(body, 'api_version', 'api_version') ?? null,
    application: null,
    created: Math.floor(Date.now() / 1000),
    description: optString(body, 'description', 'description', 5000) ?? null,
    enabled_events: enabledEvents(body, true) ?? [],
    livemode: false,
    metadata: metadata(body),
    secret: `whsec_${base62(32)}`,
    status: 'enabled',
    url,
  };
  store.webhookEndpoints.set(endpoint.id, endpoint);
  return structuredClone(endpoint);
}

export function retrieveWebhookEndpoint(store: EmulatorStore, id: string, query: FormObject): WebhookEndpointObject {
  ensureKnown(query, ['expand']);
  expandList(query, []);
  return withoutSecret(found(store, id));
}

export function updateWebhookEndpoint(store: EmulatorStore, id: string, body: FormObject): WebhookEndpointObject {
  ensureKnown(body, UPDATE_PARAMS, undefined, NOT_EMULATED);
  expandList(body, []);
  const endpoint = found(store, id);
  const url = optUrl(body, 'url', 'url');
  if (url !== undefined) endpoint.url = url;
  const events = enabledEvents(body, false);
  if (events !== undefined) endpoint.enabled_events = events;
  const description = optString(body, 'description', 'description', 5000);
  if (description !== undefined) endpoint.description = description;
  const disabled = optBoolean(body, 'disabled', 'disabled');
  if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
  if (body.metadata !== undefined) endpoint.metadata = { ...endpoint.metadata, ...metadata(body) };
  return withoutSecret(endpoint);
}

export function deleteWebhookEndpoint(store: EmulatorStore, id: string): Stripe.DeletedWebhookEndpoint {
  found(store, id);
  store.webhookEndpoints.delete(id);
  return { id, object: 'webhook_endpoint', deleted: true };
}

export function listWebhookEndpoints(store: EmulatorStore, query: FormObject): Stripe.ApiList<WebhookEndpointObject> {
  ensureKnown(query, ['limit', 'starting_after', 'ending_before', 'expand']);
  expandList(query, []);
  const limit = optPositiveInt(query, 'limit', 'limit') ?? 10;
  if (limit > 100) throw errors.invalid('This value must be less than or equal to 100.', { param: 'limit' });
  const all = [...store.webhookEndpoints.values()].reverse();
  return { object: 'list', data: all.slice(0, limit).map(withoutSecret), has_more: all.length > limit, url: '/v1/webhook_endpoints' };
}

/** A test control, what `npm run stripe:setup` does once for an account: the enabled endpoint for `url` subscribed to
 *  exactly `events`, created if there is none; returns its id and signing secret. */
export function ensureWebhookEndpoint(store: EmulatorStore, url: string, events: string[]): { id: string; secret: string } {
  const existing = [...store.webhookEndpoints.values()].find((e) => e.url === url);
  if (existing) {
    existing.enabled_events = [...events];
    existing.status = 'enabled';
    return { id: existing.id, secret: existing.secret };
  }
  const created = createWebhookEndpoint(store, { url, enabled_events: events, description: 'local stack (npm run local)' });
  return { id: created.id, secret: store.webhookEndpoints.get(created.id)!.secret };
}

/** Where an event of `type` goes: every enabled endpoint subscribed to it, re-read per attempt (deleting ends retries). */
export function endpointTargets(store: EmulatorStore, type: string): (() => WebhookTarget | null)[] {
  return [...store.webhookEndpoints.values()]
    .filter((e) => e.status === 'enabled' && (e.enabled_events.includes('*') || e.enabled_events.includes(type)))
    .map((e) => () => {
      const now = store.webhookEndpoints.get(e.id);
      return now && now.status === 'enabled' ? { url: now.url, secret: now.secret } : null;
    });
}


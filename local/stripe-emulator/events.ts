// GET /v1/events: the account's events, newest first, filtered by type(s), creation time and — what recovery after a
// webhook outage needs — `delivery_success=false`: events whose delivery to an endpoint is still pending or failed.
import { errors } from './errors';
import { isFormObject, type FormObject } from './form';
import { ensureKnown, optPositiveInt, optString } from './params';
import type { EmulatorStore } from './store';

/** `created` as an integer or a range `created[gte]=…` (gt, gte, lt, lte), as Stripe's list endpoints take it. */
export function createdFilter(query: FormObject): (created: number) => boolean {
  const value = query.created;
  if (value === undefined || value === '') return () => true;
  if (typeof value === 'string') {
    const exact = Number(value);
    return (c) => c === exact;
  }
  if (!isFormObject(value)) throw errors.invalid('Invalid created', { param: 'created' });
  ensureKnown(value, ['gt', 'gte', 'lt', 'lte'], 'created');
  const bound = (k: string) => (value[k] === undefined ? undefined : Number(value[k]));
  const [gt, gte, lt, lte] = ['gt', 'gte', 'lt', 'lte'].map(bound);
  return (c) => (gt === undefined || c > gt) && (gte === undefined || c >= gte) && (lt === undefined || c < lt) && (lte === undefined || c <= lte);
}

/** Newest first, as Stripe lists: objects made in the same second keep their creation order (reversed), never an
 *  order by random id, so a list read twice, or before and after a new object, agrees on which came first. */
export function newestFirst<T extends { created: number }>(inCreationOrder: T[]): T[] {
  return [...inCreationOrder].reverse().sort((a, b) => b.created - a.created);
}

/** One page, newest first, cursor by `starting_after`, like Stripe's list endpoints. The cursor may name any object of
 *  the resource, also one the filters no longer match (an event delivered since the last page): the page starts after
 *  its place in `ordered` (the unfiltered list, same order). A cursor naming no object at all is refused (400
 *  `resource_missing`), as Stripe does, rather than quietly starting over. */
export function page<T extends { id: string }>(all: T[], query: FormObject, url: string, ordered: T[] = all) {
  const limit = Math.min(optPositiveInt(query, 'limit', 'limit') ?? 10, 100);
  const after = optString(query, 'starting_after', 'starting_after');
  let rest = all;
  if (after !== undefined) {
    const at = ordered.findIndex((x) => x.id === after);
    if (at === -1) throw errors.resourceMissing('object', after, { param: 'starting_after' });
    const later = new Set(ordered.slice(at + 1).map((x) => x.id));
    rest = all.filter((x) => later.has(x.id));
  }
  return { object: 'list' as const, data: rest.slice(0, limit), has_more: rest.length > limit, url };
}

// Stripe's List Events returns events of the last 30 days only (older ones are gone, delivered or not).
const EVENT_RETENTION_S = 30 * 86_400;

export function listEvents(store: EmulatorStore, query: FormObject, nowMs: number) {
  const oldest = Math.floor(nowMs / 1000) - EVENT_RETENTION_S;
  ensureKnown(query, ['type', 'types', 'created', 'delivery_success', 'limit', 'starting_after', 'ending_before', 'expand']);
  const type = optString(query, 'type', 'type');
  const types = query.types === undefined ? undefined : (Array.isArray(query.types) ? query.types : [query.types]).map(String);
  const delivery = query.delivery_success;
  if (delivery !== undefined && delivery !== 'true' && delivery !== 'false') throw errors.invalid('Invalid boolean', { param: 'delivery_success' });
  const created = createdFilter(query);
  // `type` may end in `*` to match a family, e.g. `charge.dispute.*`.
  const matches = (t: string, pattern: string) => (pattern.endsWith('*') ? t.startsWith(pattern.slice(0, -1)) : t === pattern);
  const ordered = newestFirst(store.events());
  const all = ordered
    .filter((e) => (type === undefined || matches(e.type, type)) && (types === undefined || types.includes(e.type)))
    .filter((e) => e.created >= oldest && created(e.created))
    .filter((e) => delivery === undefined || (delivery === 'false') === store.undelivered(e));
  return page(all, query, '/v1/events', ordered);
}

/** The `charge` / `payment_intent` filters of the refund and dispute lists, newest first, copies. */
export function byPayment<T extends { id: string; created: number; charge: unknown; payment_intent: unknown }>(all: T[], query: FormObject): T[] {
  // `all` in creation order (Map insertion order).
  ensureKnown(query, ['charge', 'payment_intent', 'limit', 'starting_after', 'ending_before', 'expand', 'created']);
  const charge = optString(query, 'charge', 'charge');
  const pi = optString(query, 'payment_intent', 'payment_intent');
  const created = createdFilter(query);
  return newestFirst(all)
    .filter((x) => (charge === undefined || x.charge === charge) && (pi === undefined || x.payment_intent === pi) && created(x.created))
    .map((x) => structuredClone(x));
}

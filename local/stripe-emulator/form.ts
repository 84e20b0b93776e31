// Parses Stripe's v1 form encoding (`metadata[k]=v`, `line_items[0][price]=p`, `expand[]=x`) into nested
// objects/arrays, for both request bodies and query strings. Values stay strings, as Stripe's own parser leaves
// them; handlers coerce per parameter.
import { errors } from './errors';

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

// Marks containers created by an index or `[]` segment; they become arrays once parsing is done.
const ARRAYISH = Symbol('arrayish');
type Node = { [key: string]: Node | string; [ARRAYISH]?: true };

function decode(component: string): string {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    throw errors.invalid(`Invalid URL encoding in request: ${component.slice(0, 50)}`);
  }
}

/** `a[b][0][]` → ['a', 'b', '0', '']; throws on malformed brackets. */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open === -1) return [key];
  const segments = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^[\]]*)\]/gy;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rest)) !== null) {
    segments.push(m[1] ?? '');
    consumed = re.lastIndex;
  }
  if (consumed !== rest.length || segments[0] === '') throw errors.invalid(`Invalid parameter name: ${key}`);
  return segments;
}

// defineProperty rather than assignment so keys like `__proto__` stay plain data.
function setOwn(target: Node, key: string, value: Node | string): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function getOwn(target: Node, key: string): Node | string | undefined {
  return Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
}

function insert(root: Node, segments: string[], value: string, rawKey: string): void {
  let node = root;
  for (let i = 0; i < segments.length; i++) {
    const isLast = i === segments.length - 1;
    let segment = segments[i] ?? '';
    if (segment === '' && i > 0) {
      // `expand[]=a&expand[]=b`: append at the next free index.
      segment = String(Object.keys(node).length);
    }
    if (isLast) {
      const existing = getOwn(node, segment);
      if (existing !== undefined && typeof existing !== 'string') {
        throw errors.invalid(`Invalid hash: ${rawKey} is both a value and an object`, { param: rawKey });
      }
      setOwn(node, segment, value);
      return;
    }
    let child = getOwn(node, segment);
    if (child === undefined) {
      child = {};
      const next = segments[i + 1] ?? '';
      if (next === '' || /^\d+$/.test(next)) child[ARRAYISH] = true;
      setOwn(node, segment, child);
    } else if (typeof child === 'string') {
      // Stripe lets `metadata=` (empty) reset a hash; any other scalar/object clash is an error.
      if (child !== '') throw errors.invalid(`Invalid hash: ${rawKey} is both a value and an object`, { param: rawKey });
      child = {};
      setOwn(node, segment, child);
    }
    node = child;
  }
}

function finish(node: Node): FormValue {
  const keys = Object.keys(node);
  const asArray = node[ARRAYISH] === true && keys.every((k) => /^\d+$/.test(k));
  if (asArray) {
    // Stripe orders indexed params by index and ignores gaps (`line_items[0]`, `line_items[2]`).
    return keys
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => {
        const v = node[k];
        return typeof v === 'string' ? v : finish(v as Node);
      });
  }
  const out: { [key: string]: FormValue } = {};
  for (const k of keys) {
    const v = node[k];
    Object.defineProperty(out, k, {
      value: typeof v === 'string' ? v : finish(v as Node),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export function parseForm(encoded: string): FormObject {
  const root: Node = {};
  for (const pair of encoded.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    insert(root, splitKey(rawKey), value, rawKey);
  }
  return finish(root) as FormObject;
}

export function isFormObject(v: FormValue | undefined): v is FormObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

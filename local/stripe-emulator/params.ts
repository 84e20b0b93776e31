// Parameter validation shared by the /v1 handlers, with Stripe's error codes and `param` paths
// (`line_items[0][quantity]`), so the app sees the same failures it would get from Stripe.
import { errors } from './errors';
import { isFormObject, type FormObject, type FormValue } from './form';

export function paramPath(prefix: string | undefined, key: string): string {
  return prefix ? `${prefix}[${key}]` : key;
}

/** Rejects any key not in `allowed`; `notEmulated` names real Stripe params the emulator deliberately refuses. */
export function ensureKnown(
  obj: FormObject,
  allowed: readonly string[],
  prefix?: string,
  notEmulated: readonly string[] = [],
): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const why = notEmulated.includes(key) ? 'a real Stripe parameter the local emulator does not implement' : undefined;
    throw errors.unknownParam(paramPath(prefix, key), why);
  }
}

function describe(value: FormValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function optString(obj: FormObject, key: string, param: string, maxLength?: number): string | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw errors.invalid(`Invalid string: ${describe(value)}`, { param });
  // An empty value is Stripe's "unset", which on create means "not provided".
  if (value === '') return undefined;
  if (maxLength !== undefined && value.length > maxLength) {
    throw errors.invalid(`Invalid string: ${value.slice(0, 20)}...; must be at most ${maxLength} characters`, { param });
  }
  return value;
}

export function requiredString(obj: FormObject, key: string, param: string, maxLength?: number): string {
  if (obj[key] === '') {
    throw errors.invalid(
      `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
      { param, code: 'parameter_invalid_empty' },
    );
  }
  const value = optString(obj, key, param, maxLength);
  if (value === undefined) throw errors.missingParam(param);
  return value;
}

export function optPositiveInt(obj: FormObject, key: string, param: string): number | undefined {
  const raw = optString(obj, key, param);
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw)) throw errors.invalid(`Invalid integer: ${raw}`, { param, code: 'parameter_invalid_integer' });
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw errors.invalid(`Invalid integer: ${raw}`, { param, code: 'parameter_invalid_integer' });
  if (n < 1) throw errors.invalid('This value must be greater than or equal to 1.', { param, code: 'parameter_invalid_integer' });
  return n;
}

export function optBoolean(obj: FormObject, key: string, param: string): boolean | undefined {
  const raw = optString(obj, key, param);
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw errors.invalid(`Invalid boolean: ${raw}`, { param });
}

export function optEnum<T extends string>(
  obj: FormObject,
  key: string,
  param: string,
  values: readonly T[],
): T | undefined {
  const raw = optString(obj, key, param);
  if (raw === undefined) return undefined;
  if (!(values as readonly string[]).includes(raw)) {
    const list = values.length > 1 ? `${values.slice(0, -1).join(', ')}, or ${values[values.length - 1]}` : values[0];
    throw errors.invalid(`Invalid ${param}: must be one of ${list}`, { param });
  }
  return raw as T;
}

export function optUrl(obj: FormObject, key: string, param: string): string | undefined {
  const raw = optString(obj, key, param, 5000);
  if (raw === undefined) return undefined;
  let ok = false;
  try {
    const u = new URL(raw);
    ok = u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    ok = false;
  }
  if (!ok) throw errors.invalid('Not a valid URL', { param, code: 'url_invalid' });
  return raw;
}

export function optObject(obj: FormObject, key: string, param: string): FormObject | undefined {
  const value = obj[key];
  if (value === undefined || value === '') return undefined;
  if (!isFormObject(value)) throw errors.invalid(`Invalid hash`, { param });
  return value;
}

export function optArray(obj: FormObject, key: string, param: string): FormValue[] | undefined {
  const value = obj[key];
  if (value === undefined || value === '') return undefined;
  if (!Array.isArray(value)) throw errors.invalid(`Invalid array`, { param });
  return value;
}

/** Stripe's metadata limits: ≤ 50 keys, keys ≤ 40 chars, values ≤ 500 chars, values are strings; empty values unset. */
export function metadata(obj: FormObject, key = 'metadata'): Record<string, string> {
  const value = obj[key];
  if (value === undefined || value === '') return {};
  if (!Array.isArray(value) && !isFormObject(value)) throw errors.invalid('Invalid hash', { param: key });
  // `metadata[0]=x` parses as an array; Stripe would treat the index as a key.
  const entries: [string, FormValue][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    const param = `${key}[${k}]`;
    if (typeof v !== 'string') {
      throw errors.invalid(`Invalid value type: ${param} must be a string`, { param });
    }
    if (k.length > 40) {
      throw errors.invalid(`Metadata keys can have up to 40 characters, but you passed in a key with ${k.length} characters.`, {
        param,
      });
    }
    if (v.length > 500) {
      throw errors.invalid(
        `Metadata values can have up to 500 characters, but you passed in a value that is ${v.length} characters. Invalid value: ${v.slice(0, 20)}...`,
        { param },
      );
    }
    if (v === '') continue;
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  if (Object.keys(out).length > 50) {
    throw errors.invalid(`You can have at most 50 keys in metadata. You passed ${Object.keys(out).length}.`, {
      param: key,
    });
  }
  return out;
}

/** `expand[]=a` / `expand[0]=a` → ['a'], checked against what the endpoint can expand. */
export function expandList(obj: FormObject, expandable: readonly string[]): string[] {
  const value = obj.expand;
  if (value === undefined || value === '') return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => {
    if (typeof item !== 'string') throw errors.invalid('Invalid array', { param: `expand[${i}]` });
    if (!expandable.includes(item)) throw errors.invalid(`This property cannot be expanded (${item}).`, { param: `expand[${i}]` });
    return item;
  });
}

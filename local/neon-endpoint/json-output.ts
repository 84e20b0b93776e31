// Converts Postgres text output to JSON values for requests that do NOT send `Neon-Raw-Text-Output: true`, the way
// Neon's proxy does (json.rs): bool → boolean, int2/int4 → number, float4/float8 → number (NaN/±Infinity stay
// strings), json/jsonb → parsed, arrays → nested arrays of converted elements, everything else (int8, numeric,
// dates, …) stays a string. @neondatabase/serverless 1.2.x always asks for raw text, so this only serves other
// clients. Gap: only built-in array types are recognised; arrays of other types come back as their text.

const BOOL = 16;
const INT2 = 21;
const INT4 = 23;
const FLOAT4 = 700;
const FLOAT8 = 701;
const JSON_OID = 114;
const JSONB = 3802;

/** Built-in array type OID → element type OID (pg_type.typarray). */
const ARRAY_ELEMENT: ReadonlyMap<number, number> = new Map([
  [1000, BOOL], [1001, 17], [1002, 18], [1003, 19], [1005, INT2], [1007, INT4], [1009, 25], [1014, 1042],
  [1015, 1043], [1016, 20], [1021, FLOAT4], [1022, FLOAT8], [1028, 26], [1115, 1114], [1182, 1082], [1183, 1083],
  [1185, 1184], [1187, 1186], [1231, 1700], [1270, 1266], [2951, 2950], [199, JSON_OID], [3807, JSONB],
  [1041, 869], [651, 650], [1040, 829], [775, 774], [1561, 1560], [1563, 1562], [3643, 3614], [3645, 3615],
]);

type PgArray = (string | null | PgArray)[];

export function textToJson(value: string | null, dataTypeID: number): unknown {
  if (value === null) return null;
  const element = ARRAY_ELEMENT.get(dataTypeID);
  if (element !== undefined) return mapArray(parsePgArray(value), element);
  switch (dataTypeID) {
    case BOOL:
      return value === 't';
    case INT2:
    case INT4:
      return Number.parseInt(value, 10);
    case FLOAT4:
    case FLOAT8: {
      const n = Number(value);
      return Number.isFinite(n) ? n : value;
    }
    case JSON_OID:
    case JSONB:
      return JSON.parse(value) as unknown;
    default:
      return value;
  }
}

function mapArray(items: PgArray, element: number): unknown[] {
  return items.map((item) => (Array.isArray(item) ? mapArray(item, element) : textToJson(item, element)));
}

/** Parses array text output: `{1,2}`, `{"a b",NULL}`, nested `{{1},{2}}`, with optional `[0:1]=` bounds. */
export function parsePgArray(text: string): PgArray {
  let i = 0;
  if (text.startsWith('[')) i = text.indexOf('=') + 1;

  const parseLevel = (): PgArray => {
    const out: PgArray = [];
    i += 1; // '{'
    if (text[i] === '}') {
      i += 1;
      return out;
    }
    for (;;) {
      const c = text[i];
      if (c === '{') {
        out.push(parseLevel());
      } else if (c === '"') {
        let s = '';
        i += 1;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i += 1;
          s += text[i] ?? '';
          i += 1;
        }
        i += 1; // closing quote
        out.push(s);
      } else {
        const start = i;
        while (i < text.length && text[i] !== ',' && text[i] !== '}') i += 1;
        const raw = text.slice(start, i);
        out.push(raw.toUpperCase() === 'NULL' ? null : raw);
      }
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      i += 1; // '}'
      return out;
    }
  };

  return text[i] === '{' ? parseLevel() : [];
}

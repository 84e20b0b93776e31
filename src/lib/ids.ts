// Prefixed, sortable-enough random ids (`usr_…`, `pur_…`) from Web Crypto, so they work at the edge and in Node.
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export function createPrefixedId(prefix: string, length = 20): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let id = '';
  // 256 % 36 leaves a tiny bias; irrelevant for opaque row ids.
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return `${prefix}_${id}`;
}

// The credits API's OpenAPI document: valid OpenAPI 3.1 (checked by @seriousme/openapi-schema-validator against the
// 3.1 schema), naming every error the credits core answers with (the code → status table's, plus issue 19's three),
// and served as is by GET /api/credits/openapi.json. The contract tests check every request and answer against it.
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { serveOpenApiDocument } from '@/lib/credits/serve-openapi-document';
import document from '@/lib/credits/openapi.json';

// Every code a credits route can answer with, and its status, written out here (not read from errors.ts).
const CREDITS_ERRORS: Record<string, number> = {
  unauthenticated: 401, invalid_body: 400, invalid_idempotency_key: 400, invalid_credits: 400, not_found: 404,
  method_not_allowed: 405, body_too_large: 413, unsupported_media_type: 415, insufficient_credits: 409,
  idempotency_key_reused: 409, hold_expired: 409, hold_released: 409, hold_confirmed: 409, internal_error: 500,
  auth_unavailable: 502, database_unavailable: 503,
  // Issue 19's, described ahead of their code.
  hold_reversed: 409, hold_not_owner: 403, hold_limit_reached: 409,
};

type Json = Record<string, unknown>;
/** Every (status, code) pair the document's responses allow, with $refs followed. */
function documentedErrors(): Set<string> {
  const responses = (document.components as Json).responses as Record<string, Json>;
  const pairs = new Set<string>();
  for (const item of Object.values(document.paths as Record<string, Record<string, { responses: Record<string, Json> }>>)) {
    for (const op of Object.values(item)) {
      for (const [status, r] of Object.entries(op.responses)) {
        const ref = r.$ref as string | undefined;
        const resolved = ref ? responses[ref.split('/').pop()!]! : r;
        const schema = (resolved.content as Json | undefined)?.['application/json'] as { schema?: Json } | undefined;
        const codes = ((schema?.schema?.properties as Json | undefined)?.error as { properties?: { code?: { enum?: string[] } } } | undefined)?.properties?.code?.enum ?? [];
        for (const code of codes) pairs.add(`${status} ${code}`);
      }
    }
  }
  return pairs;
}

describe('the credits OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect([result.valid, validator.version]).toEqual([true, '3.1']);
  });

  it('documents every error the credits routes answer with, at its status, and no other', () => {
    expect([...documentedErrors()].sort()).toEqual(Object.entries(CREDITS_ERRORS).map(([code, status]) => `${status} ${code}`).sort());
  });

  it('describes the eight credits operations and itself', () => {
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/credits/holds', '/api/credits/holds/{holdId}/confirm', '/api/credits/holds/{holdId}/release', '/api/credits/openapi.json',
      '/api/credits/service/holds', '/api/credits/service/holds/{holdId}/confirm', '/api/credits/service/holds/{holdId}/release', '/api/credits/service/spend',
      '/api/credits/spend',
    ]);
  });

  it('is served by GET /api/credits/openapi.json, cacheable; other methods are 405', async () => {
    const response = serveOpenApiDocument(new Request('http://app.test/api/credits/openapi.json'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(document);
    const post = serveOpenApiDocument(new Request('http://app.test/api/credits/openapi.json', { method: 'POST' }));
    expect([post.status, post.headers.get('allow'), ((await post.json()) as { error: { code: string } }).error.code]).toEqual([405, 'GET, HEAD', 'method_not_allowed']);
  });
});

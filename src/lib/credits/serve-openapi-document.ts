// GET /api/credits/openapi.json's core: the credits API's OpenAPI 3.1 document (openapi.json beside this file), the
// contract the booking service integrates from. The contract tests validate every request and answer against it.
import { errorStatus } from '@/lib/http';
import document from './openapi.json';

export function serveOpenApiDocument(request: Request): Response {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const body = { error: { code: 'method_not_allowed', message: 'Use GET.' } };
    return Response.json(body, { status: errorStatus.method_not_allowed, headers: { Allow: 'GET, HEAD', 'Cache-Control': 'no-store' } });
  }
  return Response.json(document, { headers: { 'Cache-Control': 'public, max-age=300' } });
}

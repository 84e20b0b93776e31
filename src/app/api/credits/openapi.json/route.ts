// GET /api/credits/openapi.json — the credits API's OpenAPI 3.1 document. A static segment, so it takes precedence
// over the [...path] catch-all beside it.
import { serveOpenApiDocument } from '@/lib/credits';

export const runtime = 'edge';

export const GET = serveOpenApiDocument;
export const HEAD = serveOpenApiDocument;
export const POST = serveOpenApiDocument;

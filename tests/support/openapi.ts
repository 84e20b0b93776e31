// The contract check: every credits request a test makes and the answer it gets, validated against the OpenAPI 3.1
// document the app serves (src/lib/credits/openapi.json) by openapi-backend. A request the document allows must get
// an answer the document describes (its status listed, body and headers valid); a request it does not allow must
// get a documented 4xx. So the document cannot drift from the code.
import addFormats from 'ajv-formats';
import { OpenAPIBackend, SetMatchType, type Document, type Request as OpenApiRequest } from 'openapi-backend';
import { expect } from 'vitest';
import document from '@/lib/credits/openapi.json';

let backend: Promise<OpenAPIBackend> | undefined;
// `quick`: openapi-backend checks the document itself against OpenAPI 3.0's schema only; the 3.1 document is checked
// by @seriousme/openapi-schema-validator in tests/unit/credits/openapi-document.node.test.ts. Formats (date-time) on.
const api = () =>
  (backend ??= new OpenAPIBackend({
    definition: structuredClone(document) as unknown as Document,
    quick: true,
    customizeAjv: (ajv) => {
      addFormats(ajv);
      return ajv;
    },
  }).init());

function parsed(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Sends `request` to `handle` and checks both against the document; answers the response, unread. */
export async function checkedCall(request: Request, handle: (request: Request) => Promise<Response>): Promise<Response> {
  const requestBody = await request.clone().text();
  const response = await handle(request);
  await expectContract(request, requestBody, response);
  return response;
}

async function expectContract(request: Request, requestBody: string, response: Response): Promise<void> {
  const a = await api();
  const req: OpenApiRequest = {
    method: request.method,
    path: new URL(request.url).pathname,
    headers: Object.fromEntries(request.headers),
    query: Object.fromEntries(new URL(request.url).searchParams),
    body: parsed(requestBody),
  };
  const where = `${req.method} ${req.path} → ${response.status}`;
  const operation = a.matchOperation(req);
  const status = response.status;
  if (!operation) {
    // Not an operation of the document: only "no such operation" or "not this method" may answer.
    expect([404, 405], where).toContain(status);
    return;
  }
  const jsonBody = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() === 'application/json';
  const requestValid = (operation.requestBody === undefined || jsonBody) && a.validateRequest(req, operation).valid;
  if (!requestValid) expect(status >= 400 && status < 500, `${where}: a request outside the document must get a 4xx`).toBe(true);
  expect(Object.keys(operation.responses ?? {}), `${where}: status not documented`).toContain(String(status));
  const body = parsed(await response.clone().text());
  expect(a.validateResponse(body, operation, status).errors ?? [], `${where}: body`).toEqual([]);
  const headers = Object.fromEntries(response.headers);
  expect(a.validateResponseHeaders(headers, operation, { statusCode: status, setMatchType: SetMatchType.Superset }).errors ?? [], `${where}: headers`).toEqual([]);
}

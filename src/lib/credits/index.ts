// Entry point of credits/: the credits API — spend, hold, confirm and release, each one conditional ledger
// statement idempotent per caller and key, plus the booking service's authentication. It may import http/ and identity/.

export { handleCreditsRequest } from './handle-credits-request';
export { serveOpenApiDocument } from './serve-openapi-document';

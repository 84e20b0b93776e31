// Tells a browser navigation (a native form post the buyer's tab will render) from an API caller that reads JSON.
/**
 * True for `Sec-Fetch-Mode: navigate`, or no Sec-Fetch-Mode and an Accept with text/html; false whenever the caller
 * asks for JSON (Accept or a JSON body, which no HTML form can send) or authenticates with a Bearer token.
 */
export function isBrowserNavigation(request: Request): boolean {
  const headers = request.headers;
  const accept = (headers.get('accept') ?? '').toLowerCase();
  if (accept.includes('application/json')) return false;
  if ((headers.get('content-type') ?? '').toLowerCase().includes('json')) return false;
  if (headers.has('authorization')) return false;
  const mode = headers.get('sec-fetch-mode');
  if (mode !== null) return mode.toLowerCase() === 'navigate';
  return accept.includes('text/html');
}

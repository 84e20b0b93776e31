// A client that behaves like a browser tab for HTTP tests: one cookie jar for `localhost` (cookies ignore ports, so the
// app and the Clerk stand-in share it), document-navigation headers, and redirects followed one by one and recorded.
// node:http, not fetch: undici replaces any Sec-Fetch-Mode with `cors`, so a fetch can never look like a navigation.
import { request as httpRequest } from 'node:http';

export interface PlainResponse { status: number; headers: Headers; text(): Promise<string> }

function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { ...headers, ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const out = new Headers();
        for (const [name, value] of Object.entries(res.headers)) for (const v of [value ?? []].flat()) out.append(name, v);
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: out, text: () => Promise.resolve(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
const NAVIGATION = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
};

export interface Hop { method: string; url: string; status: number; location: string | null }

export class BrowserLike {
  readonly cookies = new Map<string, string>();
  readonly hops: Hop[] = [];

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private store(response: PlainResponse): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const maxAge = attributes.map((a) => a.trim().match(/^max-age=(-?\d+)$/i)?.[1]).find((v) => v !== undefined);
      if (maxAge !== undefined && Number(maxAge) <= 0) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** One request (a navigation unless told otherwise), then every redirect as a GET navigation, up to `maxHops`. */
  async navigate(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}, maxHops = 10): Promise<PlainResponse> {
    let method = init.method ?? 'GET';
    let body = init.body;
    let headers: Record<string, string> = { ...NAVIGATION, ...init.headers };
    let current = url;
    for (let hop = 0; hop <= maxHops; hop++) {
      const cookie = this.cookieHeader();
      const response = await send(current, method, { ...headers, ...(cookie && { cookie }) }, body);
      this.store(response);
      const location = response.headers.get('location');
      this.hops.push({ method, url: current, status: response.status, location });
      if (response.status < 300 || response.status >= 400 || !location) return response;
      current = new URL(location, current).href;
      // 303 (and 301/302 after a POST) become a GET; 307/308 would keep the method, but every hop here is a GET.
      if (response.status === 303 || method === 'POST') {
        method = 'GET';
        body = undefined;
        headers = { ...NAVIGATION };
      }
    }
    throw new Error(`more than ${maxHops} redirects: ${this.hops.map((h) => `${h.status} ${h.url}`).join(' → ')}`);
  }
}

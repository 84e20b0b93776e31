// The one shell of the pages a route answers itself (a refused checkout, a receipt that cannot be shown): plain
// Responses outside Next's pages, so the app's look (src/app/globals.css) is inlined.
const STYLE = `body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#16181d;background:#f6f7fb;line-height:1.5}
main{max-width:560px;margin:0 auto;padding:2rem 1.25rem}h1{font-size:clamp(1.6rem,4vw,2.2rem);margin:0 0 1rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem}
.button{display:inline-block;border:2px solid #2b4fd8;background:#2b4fd8;color:#fff;font-weight:600;padding:.65rem 1.2rem;border-radius:8px;text-decoration:none}
.secondary{background:#fff;color:#2b4fd8}`;

/** `body` is trusted HTML (our own text and links), placed under the page's `<h1>`. */
export function htmlPage(status: number, title: string, body: string, headers: Record<string, string> = {}): Response {
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${title} · Workshop credits</title><link rel="icon" href="/icon.svg" type="image/svg+xml"><style>${STYLE}</style></head>` +
      `<body><main><h1>${title}</h1>${body}</main></body></html>`,
    { status, headers: { 'content-type': 'text/html; charset=utf-8', ...headers } },
  );
}

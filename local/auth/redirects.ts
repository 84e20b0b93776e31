// Where the sign-in and sign-out pages may send the browser back to: only this machine, so the stand-in cannot be
// used as an open redirect (real Clerk likewise only follows redirect URLs of the instance's allowed origins).
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The URL to go to, or null when `value` is missing or points off this machine. */
export function allowedRedirect(value: string | null | undefined): URL | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return LOCAL_HOSTS.has(url.hostname) ? url : null;
}

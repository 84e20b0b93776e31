// How every call to an upstream API (Stripe, Neon, Clerk) is fetched: a redirect is an error, never followed.
// None of them redirects an API call, and a request carrying a secret key must not be replayed at another address.
// `redirect: 'error'` with `window: null` also spares undici (Node, and Next's edge sandbox built on it) a clone of
// every request and a tee of its body, which the Fetch standard's HTTP-network-or-cache step makes for any other mode.
// workerd refuses 'error' ("does not make sense at the edge"), so there the platform's default stays.
const inWorkerd = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers';

export const upstreamFetchInit: Pick<RequestInit, 'redirect' | 'window'> = inWorkerd ? {} : { redirect: 'error', window: null };

// The publishable key the app is given locally, and the issuer tokens carry: the two must name the same host.
//
// Why pk_live_: with a pk_test_ (development) key Clerk also demands a `__clerk_db_jwt` dev-browser cookie and
// otherwise redirects to *.clerk.accounts.dev, unreachable here; a production key only needs __session/__client_uat.
// Why the same host as `iss`: @clerk/backend reads the unsuffixed `__session` cookie only when the token's `iss`
// (minus the scheme) equals the key's frontend API host; otherwise it looks for `__session_<suffix>` and finds none.
import { Buffer } from 'node:buffer';

// Must contain a dot: Clerk rejects a publishable key whose host has none (so plain `localhost` cannot be used).
export const DEFAULT_FRONTEND_API_HOST = 'clerk.localhost';
export const DEFAULT_ISSUER = `https://${DEFAULT_FRONTEND_API_HOST}`;

/** `pk_live_` + base64 of `<host>$`, padding stripped as Clerk's own `buildPublishableKey` does. */
export function localPublishableKey(frontendApiHost: string = DEFAULT_FRONTEND_API_HOST): string {
  if (!/^[a-z0-9.-]+(:\d+)?$/i.test(frontendApiHost) || !frontendApiHost.includes('.')) {
    throw new Error(`localPublishableKey: "${frontendApiHost}" is not a host name with a dot (Clerk would reject the key)`);
  }
  return `pk_live_${Buffer.from(`${frontendApiHost}$`, 'utf8').toString('base64').replace(/=+$/, '')}`;
}

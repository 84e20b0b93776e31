// Clerk as the app's proxy (Next 16's name for middleware; a proxy always runs on Node.js, so there is no `runtime`
// export: one throws at build), for pages only: verifies the session token networkless (CLERK_JWT_KEY) and, on a GET
// document request with an expired token, runs Clerk's handshake to refresh it. Signed-out requests pass through;
// each page decides. API routes are not matched: the billing routes verify the token themselves
// (authenticate-session.ts) at a fraction of the proxy's CPU, Stripe's signature authenticates the webhook and a
// Bearer CRON_SECRET the cron.
import { clerkMiddleware } from '@clerk/nextjs/server';
import { env } from '@/env';

export default clerkMiddleware({
  // @clerk/nextjs does not read CLERK_JWT_KEY by itself; without it every request costs calls to Clerk's API.
  jwtKey: env.CLERK_JWT_KEY,
  // Tokens minted for another origin of the same Clerk instance are not ours (without this, azp is not checked).
  authorizedParties: [new URL(env.NEXT_PUBLIC_APP_URL).origin],
  // Locally only (env.ts refuses it against a real instance): the handshake that refreshes an expired token on a page
  // GET goes to the Clerk stand-in instead of the publishable key's (unreachable) host.
  proxyUrl: env.CLERK_LOCAL_PROXY_URL,
});

export const config = {
  matcher: ['/((?!_next|api/|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)'],
};

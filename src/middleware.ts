// Clerk at the edge: verifies the session token (networkless when CLERK_JWT_KEY is set) and hands auth() to routes.
// Signed-out requests pass through; each route answers its own 401. The Stripe webhook is not matched: Stripe's
// signature, not a session, authenticates it; nor is the reconciliation cron (its Bearer CRON_SECRET is no session).
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
  matcher: [
    '/((?!_next|api/billing/(?:webhook|reconcile)|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)',
    '/(api(?!/billing/(?:webhook|reconcile)))(.*)',
  ],
};

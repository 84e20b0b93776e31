// Clerk at the edge, for pages only: verifies the session token networkless (CLERK_JWT_KEY) and, on a GET document
// request with an expired token, runs Clerk's handshake to refresh it. API routes are not matched: the billing routes
// verify the token themselves (src/lib/billing/authenticate-session.ts), and Stripe's signature authenticates the webhook.
import { clerkMiddleware } from '@clerk/nextjs/server';
import { env } from '@/env';

// @clerk/nextjs does not read CLERK_JWT_KEY by itself; without it every request costs calls to Clerk's API.
export default clerkMiddleware({ jwtKey: env.CLERK_JWT_KEY, authorizedParties: [new URL(env.NEXT_PUBLIC_APP_URL).origin] });

export const config = {
  matcher: ['/((?!_next|api/|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)'],
};

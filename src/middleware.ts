// Clerk at the edge: verifies the session token (networkless when CLERK_JWT_KEY is set) and hands auth() to routes.
// Signed-out requests pass through; each route answers its own 401. The Stripe webhook is not matched: Stripe's
// signature, not a session, authenticates it; nor is the reconciliation cron (its Bearer CRON_SECRET is no session).
import { clerkMiddleware } from '@clerk/nextjs/server';
import { env } from '@/env';

// @clerk/nextjs does not read CLERK_JWT_KEY by itself; without it every request costs calls to Clerk's API.
export default clerkMiddleware({ jwtKey: env.CLERK_JWT_KEY });

export const config = {
  matcher: [
    '/((?!_next|api/billing/(?:webhook|reconcile)|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)',
    '/(api(?!/billing/(?:webhook|reconcile)))(.*)',
  ],
};

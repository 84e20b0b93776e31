// POST /sign-out — the "Sign out" button on every page: revokes the Clerk session, clears its cookies, back to /.
import { auth } from '@clerk/nextjs/server';
import { handleSignOut } from '@/lib/identity';
import { jsonLogger } from '@/lib/http';
import { billingServices } from '@/lib/services';

export const runtime = 'edge';

function signOut(request: Request): Promise<Response> {
  const { clerk, appUrl } = billingServices();
  return handleSignOut(request, {
    sessionId: async () => (await auth()).sessionId ?? null,
    revokeSession: (sessionId) => clerk.revokeSession(sessionId),
    appUrl,
    log: jsonLogger,
  });
}

export const POST = signOut;
export const GET = signOut;

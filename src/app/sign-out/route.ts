// POST /sign-out — the "Sign out" button on every page: revokes the Clerk session, clears its cookies, back to /.
import { handleSignOut } from '@/lib/identity';
import { jsonLogger } from '@/lib/http';
import { billingServices } from '@/lib/services';

export const runtime = 'edge';

function signOut(request: Request): Promise<Response> {
  const { clerk, appUrl, sessionIdsToRevoke } = billingServices();
  return handleSignOut(request, { sessionIds: sessionIdsToRevoke, revokeSession: (sessionId) => clerk.revokeSession(sessionId), appUrl, log: jsonLogger });
}

export const POST = signOut;
export const GET = signOut;

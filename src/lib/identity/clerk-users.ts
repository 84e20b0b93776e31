// The Clerk Backend API calls the app makes: a buyer's email when the token lacks it, saving billing ids to
// publicMetadata (which the session-token template turns into claims for the fast path), and ending a session.
import { createClerkClient } from '@clerk/backend';

export interface ClerkUsers {
  primaryEmail(clerkUserId: string): Promise<string | null>;
  saveBillingMetadata(clerkUserId: string, metadata: { stripeCustomerId: string; appUserId: string }): Promise<void>;
  revokeSession(sessionId: string): Promise<void>;
}

export function createClerkUsers({ secretKey, apiUrl }: { secretKey: string; apiUrl?: string }): ClerkUsers {
  const clerk = createClerkClient({ secretKey, ...(apiUrl && { apiUrl }) });
  return {
    async primaryEmail(clerkUserId) {
      const user = await clerk.users.getUser(clerkUserId);
      return user.primaryEmailAddress?.emailAddress ?? user.emailAddresses[0]?.emailAddress ?? null;
    },
    async saveBillingMetadata(clerkUserId, metadata) {
      await clerk.users.updateUserMetadata(clerkUserId, { publicMetadata: metadata });
    },
    async revokeSession(sessionId) {
      await clerk.sessions.revokeSession(sessionId);
    },
  };
}

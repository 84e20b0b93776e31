// The Clerk Backend API calls the app makes: a buyer's email when the token lacks it, saving billing ids to
// publicMetadata (which the session-token template turns into claims for the fast path), and ending a session.
// Three documented endpoints over fetch rather than createClerkClient: the SDK's client is ~100 KB of the edge
// function for these three calls (docs/benchmarks-and-figures.md, the size budget).
import { upstreamFetchInit } from '@/lib/upstream-fetch';

export interface ClerkUsers {
  primaryEmail(clerkUserId: string): Promise<string | null>;
  saveBillingMetadata(clerkUserId: string, metadata: { stripeCustomerId: string; appUserId: string }): Promise<void>;
  revokeSession(sessionId: string): Promise<void>;
}

interface ClerkUserJson {
  primary_email_address_id: string | null;
  email_addresses: { id: string; email_address: string }[];
}

export function createClerkUsers({ secretKey, apiUrl = 'https://api.clerk.com' }: { secretKey: string; apiUrl?: string }): ClerkUsers {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${apiUrl.replace(/\/$/, '')}/v1${path}`, {
      method,
      ...upstreamFetchInit,
      headers: { authorization: `Bearer ${secretKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    // The status only: Clerk's error text never reaches a response or a log line.
    if (!response.ok) throw new Error(`Clerk Backend API ${method} ${path.split('/')[1]} answered ${response.status}`);
    return (await response.json()) as T;
  }
  const id = encodeURIComponent;
  return {
    async primaryEmail(clerkUserId) {
      const user = await call<ClerkUserJson>('GET', `/users/${id(clerkUserId)}`);
      const primary = user.email_addresses.find((e) => e.id === user.primary_email_address_id);
      return primary?.email_address ?? user.email_addresses[0]?.email_address ?? null;
    },
    async saveBillingMetadata(clerkUserId, metadata) {
      await call('PATCH', `/users/${id(clerkUserId)}/metadata`, { public_metadata: metadata });
    },
    async revokeSession(sessionId) {
      await call('POST', `/sessions/${id(sessionId)}/revoke`);
    },
  };
}

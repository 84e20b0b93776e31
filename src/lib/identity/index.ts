// Entry point of identity/: who is calling — Clerk session verification for API routes, the buyer's identity from
// the token's claims, the Clerk Backend API calls (email, billing ids in publicMetadata) and sign-out. It may import
// http/ and nothing else of src/lib.

export { authenticateSession } from './authenticate-session';
export { createClerkUsers } from './clerk-users';
export type { ClerkUsers } from './clerk-users';
export { handleSignOut } from './handle-sign-out';
export { sessionIdsToRevoke } from './session-ids-to-revoke';
export { identityFromClaims } from './identity';
export type { BuyerIdentity } from './identity';

// Who is buying: the verified session's user id and the claims the billing code reads from it.
// Claim names follow the session-token template documented in docs/checkout.md.
export interface BuyerIdentity {
  clerkUserId: string;
  email?: string;
  /** From the `stripe_customer_id` claim (Clerk publicMetadata.stripeCustomerId): lets a returning buyer skip the DB. */
  stripeCustomerId?: string;
  /** From the `app_user_id` claim (publicMetadata.appUserId): the users.id the session references. */
  appUserId?: string;
}

const stringClaim = (claims: Record<string, unknown> | null | undefined, name: string) => {
  const value = claims?.[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
};

/** Builds the identity from a verified token's subject and claims (Clerk's `auth()` or `verifyToken`). */
export function identityFromClaims(userId: string | null | undefined, claims: Record<string, unknown> | null | undefined): BuyerIdentity | null {
  if (!userId) return null;
  const stripeCustomerId = stringClaim(claims, 'stripe_customer_id');
  return {
    clerkUserId: userId,
    email: stringClaim(claims, 'email'),
    stripeCustomerId: stripeCustomerId?.startsWith('cus_') ? stripeCustomerId : undefined,
    appUserId: stringClaim(claims, 'app_user_id'),
  };
}

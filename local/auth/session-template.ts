// The session-token template the README asks to configure in Clerk's dashboard, applied to a stand-in user:
//   { "email": "{{user.primary_email_address}}",
//     "stripe_customer_id": "{{user.public_metadata.stripeCustomerId}}",
//     "app_user_id": "{{user.public_metadata.appUserId}}" }
// A claim whose metadata value is absent is left out, so a first-time buyer's token has no billing claims.
import type { DemoUser } from './users';

export function templateClaims(user: DemoUser): Record<string, unknown> {
  const meta = user.publicMetadata ?? {};
  return {
    email: user.email,
    ...(meta.stripeCustomerId !== undefined && meta.stripeCustomerId !== null && { stripe_customer_id: meta.stripeCustomerId }),
    ...(meta.appUserId !== undefined && meta.appUserId !== null && { app_user_id: meta.appUserId }),
  };
}

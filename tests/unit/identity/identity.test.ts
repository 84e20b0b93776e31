import { expect, it } from 'vitest';
import { identityFromClaims } from '@/lib/identity/identity';

it('reads the billing claims from a verified session', () => {
  expect(identityFromClaims('user_1', { email: 'a@b.c', stripe_customer_id: 'cus_1', app_user_id: 'usr_1' })).toEqual({
    clerkUserId: 'user_1', email: 'a@b.c', stripeCustomerId: 'cus_1', appUserId: 'usr_1',
  });
});

it('is signed out without a user id, and ignores claims of the wrong shape', () => {
  expect(identityFromClaims(null, { email: 'a@b.c' })).toBeNull();
  expect(identityFromClaims('user_1', { stripe_customer_id: 'not-a-customer', email: 5 })).toEqual({
    clerkUserId: 'user_1', email: undefined, stripeCustomerId: undefined, appUserId: undefined,
  });
});

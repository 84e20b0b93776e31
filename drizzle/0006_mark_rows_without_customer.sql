-- Custom (hand-written) migration. Rows that have no Stripe customer id yet were written by code that searched before
-- every first create; a checkout of theirs may have created a customer whose save was lost. Marking them makes their
-- next checkout search once (src/db/checkout.ts, findOrMarkCheckoutUser), as it would have before the mark existed.
UPDATE "users" SET "stripe_customer_attempted_at" = now() WHERE "stripe_customer_id" IS NULL AND "stripe_customer_attempted_at" IS NULL;

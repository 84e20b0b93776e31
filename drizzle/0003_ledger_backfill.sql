-- Every purchase credited before the ledger existed gets its `purchase` entry, so the balance is explained by entries.
-- Idempotent: the cause is unique and already-migrated purchases are skipped.
INSERT INTO "credit_entries" ("id", "user_id", "kind", "credits", "cause", "purchase_id", "created_at")
SELECT 'cre_' || substr(md5(p."id"), 1, 20), p."user_id", 'purchase', p."credit_qty", 'checkout:' || p."stripe_checkout_session_id", p."id", p."credited_at"
FROM "purchases" p
WHERE p."credited_at" IS NOT NULL
ON CONFLICT ("cause") DO NOTHING;

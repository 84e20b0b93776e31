ALTER TABLE "credit_entries" ADD COLUMN "reference" text;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "balance_after" integer;
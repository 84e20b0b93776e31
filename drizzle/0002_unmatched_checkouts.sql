CREATE TABLE "unmatched_checkouts" (
	"stripe_checkout_session_id" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"clerk_user_id" text,
	"amount_cents" integer,
	"currency" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);

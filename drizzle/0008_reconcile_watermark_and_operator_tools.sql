CREATE TABLE "reconcile_state" (
	"id" text PRIMARY KEY NOT NULL,
	"watermark" integer,
	"sweep_from" integer,
	"sweep_until" integer,
	"phase" text,
	"cursor" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "credit_entries" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "unmatched_checkouts" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "unmatched_checkouts" ADD COLUMN "resolution" text;--> statement-breakpoint
ALTER TABLE "unmatched_checkouts" ADD COLUMN "resolution_reason" text;--> statement-breakpoint
ALTER TABLE "unmatched_checkouts" ADD COLUMN "resolved_by" text;--> statement-breakpoint
ALTER TABLE "unmatched_checkouts" ADD CONSTRAINT "unmatched_checkouts_resolution_check" CHECK ("unmatched_checkouts"."resolution" is null or "unmatched_checkouts"."resolution" in ('credited', 'dismissed'));
CREATE TABLE "credit_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"credits" integer NOT NULL,
	"shortfall" integer DEFAULT 0 NOT NULL,
	"cause" text NOT NULL,
	"purchase_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_entries_cause_unique" UNIQUE("cause"),
	CONSTRAINT "credit_entries_kind_check" CHECK ("credit_entries"."kind" in ('purchase', 'refund', 'dispute_withdrawn', 'dispute_reinstated', 'adjustment', 'spend', 'hold', 'hold_release', 'hold_confirm')),
	CONSTRAINT "credit_entries_shortfall_non_negative" CHECK ("credit_entries"."shortfall" >= 0)
);
--> statement-breakpoint
ALTER TABLE "credit_entries" ADD CONSTRAINT "credit_entries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_entries" ADD CONSTRAINT "credit_entries_purchase_id_purchases_id_fk" FOREIGN KEY ("purchase_id") REFERENCES "public"."purchases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_entries_user_id_created_at_idx" ON "credit_entries" USING btree ("user_id","created_at");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_credit_balance_non_negative" CHECK ("users"."credit_balance" >= 0);
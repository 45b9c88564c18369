CREATE TABLE "referral_drafts" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"category" text NOT NULL,
	"urgency" text NOT NULL,
	"need_id" uuid,
	"rule_id" uuid NOT NULL,
	"rule_name" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"referral_id" uuid,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referral_drafts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "referral_drafts" ADD CONSTRAINT "referral_drafts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_drafts" ADD CONSTRAINT "referral_drafts_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_drafts" ADD CONSTRAINT "referral_drafts_referral_id_fk" FOREIGN KEY ("tenant_id","referral_id") REFERENCES "public"."referrals"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "referral_drafts_open_uq" ON "referral_drafts" USING btree ("tenant_id","student_id","category") WHERE state = 'open';--> statement-breakpoint
CREATE INDEX "referral_drafts_state_idx" ON "referral_drafts" USING btree ("tenant_id","state","created_at");--> statement-breakpoint
-- Referral drafts are a tenant table: the same row-level security policy as every other (0008, 0019).
SELECT app_enforce_tenant_isolation();

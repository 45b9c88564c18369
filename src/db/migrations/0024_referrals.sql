CREATE TABLE "school_holidays" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"date" date NOT NULL,
	"name" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "school_holidays_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "referral_consents" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"referral_id" uuid,
	"giver" text NOT NULL,
	"method" text NOT NULL,
	"given_on" date NOT NULL,
	"recorded_by" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	CONSTRAINT "referral_consents_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "referral_events" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"referral_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"at" timestamp with time zone NOT NULL,
	"by_person_id" uuid,
	"by_provider_account_id" uuid,
	"note" text DEFAULT '' NOT NULL,
	"session_date" date,
	"minutes" integer,
	CONSTRAINT "referral_events_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"support_id" uuid NOT NULL,
	"category" text NOT NULL,
	"sensitive" boolean NOT NULL,
	"external" boolean DEFAULT false NOT NULL,
	"reason" text NOT NULL,
	"urgency" text NOT NULL,
	"source" text NOT NULL,
	"need_id" uuid,
	"referred_by" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"state" text DEFAULT 'requested' NOT NULL,
	"closed_outcome" text,
	"decline_reason" text,
	"due_at" timestamp with time zone NOT NULL,
	"responded_at" timestamp with time zone,
	"served_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"overdue_alerted_at" timestamp with time zone,
	"provider_organisation_id" uuid,
	"held_for_consent" boolean DEFAULT false NOT NULL,
	"outcome_note" text DEFAULT '' NOT NULL,
	"sessions_count" integer DEFAULT 0 NOT NULL,
	"minutes_total" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "referrals_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "school_holidays" ADD CONSTRAINT "school_holidays_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_consents" ADD CONSTRAINT "referral_consents_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_consents" ADD CONSTRAINT "referral_consents_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_consents" ADD CONSTRAINT "referral_consents_referral_id_fk" FOREIGN KEY ("tenant_id","referral_id") REFERENCES "public"."referrals"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_events" ADD CONSTRAINT "referral_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_events" ADD CONSTRAINT "referral_events_referral_id_fk" FOREIGN KEY ("tenant_id","referral_id") REFERENCES "public"."referrals"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_support_id_fk" FOREIGN KEY ("tenant_id","support_id") REFERENCES "public"."supports"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "school_holidays_day_uq" ON "school_holidays" USING btree ("tenant_id","date");--> statement-breakpoint
CREATE INDEX "referral_consents_student_idx" ON "referral_consents" USING btree ("tenant_id","student_id");--> statement-breakpoint
CREATE INDEX "referral_events_referral_idx" ON "referral_events" USING btree ("tenant_id","referral_id","at");--> statement-breakpoint
CREATE INDEX "referrals_student_idx" ON "referrals" USING btree ("tenant_id","student_id","created_at");--> statement-breakpoint
CREATE INDEX "referrals_queue_idx" ON "referrals" USING btree ("tenant_id","state","due_at","id");--> statement-breakpoint
CREATE INDEX "referrals_owner_idx" ON "referrals" USING btree ("tenant_id","owner_id","state","due_at","id");--> statement-breakpoint
CREATE INDEX "referrals_category_idx" ON "referrals" USING btree ("tenant_id","category","state","due_at","id");--> statement-breakpoint
CREATE INDEX "referrals_support_idx" ON "referrals" USING btree ("tenant_id","support_id","state");--> statement-breakpoint
CREATE INDEX "referrals_org_idx" ON "referrals" USING btree ("tenant_id","provider_organisation_id");--> statement-breakpoint
CREATE INDEX "referrals_overdue_idx" ON "referrals" USING btree ("due_at") WHERE state = 'requested' and overdue_alerted_at is null;--> statement-breakpoint
-- The new tables get the tenant policy like every other (0008, 0019).
SELECT app_enforce_tenant_isolation();

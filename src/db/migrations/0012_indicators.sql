CREATE TABLE "indicator_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"family_view" text DEFAULT 'summary' NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "indicators_pending" (
	"tenant_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "indicators_pending_tenant_id_student_id_pk" PRIMARY KEY("tenant_id","student_id")
);
--> statement-breakpoint
CREATE TABLE "student_indicators" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"as_of" date NOT NULL,
	"indicators" jsonb NOT NULL,
	"suggested_tier" smallint NOT NULL,
	"reasons" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "student_indicators_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "tier_decisions" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"tier" smallint NOT NULL,
	"suggested_tier" smallint NOT NULL,
	"kind" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"decided_by" uuid NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tier_decisions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "indicator_settings" ADD CONSTRAINT "indicator_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicators_pending" ADD CONSTRAINT "indicators_pending_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicators_pending" ADD CONSTRAINT "indicators_pending_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_indicators" ADD CONSTRAINT "student_indicators_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_indicators" ADD CONSTRAINT "student_indicators_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_decisions" ADD CONSTRAINT "tier_decisions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tier_decisions" ADD CONSTRAINT "tier_decisions_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "student_indicators_student_uq" ON "student_indicators" USING btree ("tenant_id","student_id");--> statement-breakpoint
CREATE INDEX "student_indicators_tier_idx" ON "student_indicators" USING btree ("tenant_id","suggested_tier");--> statement-breakpoint
CREATE INDEX "tier_decisions_student_idx" ON "tier_decisions" USING btree ("tenant_id","student_id","decided_at");--> statement-breakpoint
SELECT app_enforce_tenant_isolation();

CREATE TABLE "report_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"min_group_size" smallint DEFAULT 10 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_settings_min_group_size_ck" CHECK ("report_settings"."min_group_size" >= 5)
);
--> statement-breakpoint
ALTER TABLE "report_settings" ADD CONSTRAINT "report_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- The school's report settings are a tenant table: the same row-level security policy as every other (0008).
SELECT app_enforce_tenant_isolation();

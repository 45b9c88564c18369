CREATE TABLE "config_versions" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"version" integer NOT NULL,
	"state" text NOT NULL,
	"body" jsonb NOT NULL,
	"based_on" integer NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"edits" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by" uuid,
	"published_at" timestamp with time zone,
	CONSTRAINT "config_versions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "config_versions" ADD CONSTRAINT "config_versions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "config_versions_version_uq" ON "config_versions" USING btree ("tenant_id","kind","version");--> statement-breakpoint
CREATE UNIQUE INDEX "config_versions_draft_uq" ON "config_versions" USING btree ("tenant_id","kind") WHERE "config_versions"."state" = 'draft';--> statement-breakpoint
CREATE UNIQUE INDEX "config_versions_published_uq" ON "config_versions" USING btree ("tenant_id","kind") WHERE "config_versions"."state" = 'published';--> statement-breakpoint
-- Configuration versions are tenant rows: the same row-level security policy as every other (0008, 0019).
SELECT app_enforce_tenant_isolation();

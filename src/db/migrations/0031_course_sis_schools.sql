CREATE TABLE "course_sis_ids" (
	"tenant_id" uuid NOT NULL,
	"context_id" uuid NOT NULL,
	"sis_id" text NOT NULL,
	"rank" smallint NOT NULL,
	CONSTRAINT "course_sis_ids_tenant_id_context_id_sis_id_pk" PRIMARY KEY("tenant_id","context_id","sis_id")
);
--> statement-breakpoint
CREATE TABLE "sis_class_schools" (
	"tenant_id" uuid NOT NULL,
	"sis_id" text NOT NULL,
	"school_key" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sis_class_schools_tenant_id_sis_id_pk" PRIMARY KEY("tenant_id","sis_id")
);
--> statement-breakpoint
ALTER TABLE "course_sis_ids" ADD CONSTRAINT "course_sis_ids_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "course_sis_ids" ADD CONSTRAINT "course_sis_ids_context_id_fk" FOREIGN KEY ("tenant_id","context_id") REFERENCES "public"."contexts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sis_class_schools" ADD CONSTRAINT "sis_class_schools_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "course_sis_ids_sis_idx" ON "course_sis_ids" USING btree ("tenant_id","sis_id");--> statement-breakpoint
-- Tenant tables: the same row-level security policy as every other (0008).
SELECT app_enforce_tenant_isolation();

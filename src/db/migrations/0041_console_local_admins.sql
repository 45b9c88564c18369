CREATE TABLE "console_local_admins" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"admin_id" uuid NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "console_local_admins_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "console_local_admins" ADD CONSTRAINT "console_local_admins_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "console_local_admins" ADD CONSTRAINT "console_local_admins_admin_id_fk" FOREIGN KEY ("tenant_id","admin_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "console_local_admins_email_uq" ON "console_local_admins" USING btree ("tenant_id","email");--> statement-breakpoint
-- Local administrators are a tenant table: the same row-level security policy as every other (0008, 0019).
SELECT app_enforce_tenant_isolation();

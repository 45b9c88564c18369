ALTER TABLE "jobs" ADD COLUMN "tenant_id" uuid;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "jobs_tenant_idx" ON "jobs" USING btree ("tenant_id","updated_at");--> statement-breakpoint
-- Jobs queued before jobs had a tenant: a gradebook publish's key is tenantId/contextId.
UPDATE "jobs" SET "tenant_id" = "tenants"."id"
FROM "tenants"
WHERE "jobs"."type" = 'scores.publish' AND "jobs"."tenant_id" IS NULL AND "tenants"."id"::text = split_part("jobs"."key", '/', 1);

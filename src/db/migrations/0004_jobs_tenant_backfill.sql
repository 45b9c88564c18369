-- Jobs queued before jobs had a tenant: a gradebook publish's key is tenantId/contextId.
UPDATE "jobs" SET "tenant_id" = "tenants"."id"
FROM "tenants"
WHERE "jobs"."type" = 'scores.publish' AND "jobs"."tenant_id" IS NULL AND "tenants"."id"::text = split_part("jobs"."key", '/', 1);

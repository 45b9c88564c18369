-- The largest student-data tables keep their tenant through the person reference ((tenant_id, person_id)
-- -> people, whose tenant_id references tenants; deletes cascade either way): their own tenant_id ->
-- tenants check was a second foreign-key trigger on every row a district's import writes.
ALTER TABLE "attendance_days" DROP CONSTRAINT "attendance_days_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "course_score_days" DROP CONSTRAINT "course_score_days_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "course_scores" DROP CONSTRAINT "course_scores_tenant_id_tenants_id_fk";

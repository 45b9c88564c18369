CREATE TABLE "navigator_assignments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"navigator_id" uuid NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"assigned_by" uuid,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"preferred_adult" text
);
--> statement-breakpoint
ALTER TABLE "navigator_assignments" ADD CONSTRAINT "navigator_assignments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "navigator_assignments" ADD CONSTRAINT "navigator_assignments_student_id_people_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "navigator_assignments" ADD CONSTRAINT "navigator_assignments_navigator_id_people_id_fk" FOREIGN KEY ("navigator_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "navigator_assignments_tenant_student_idx" ON "navigator_assignments" USING btree ("tenant_id","student_id");--> statement-breakpoint
CREATE INDEX "navigator_assignments_tenant_navigator_idx" ON "navigator_assignments" USING btree ("tenant_id","navigator_id");
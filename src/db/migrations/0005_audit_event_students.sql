CREATE TABLE "audit_event_students" (
	"tenant_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "audit_event_students_tenant_id_event_id_student_id_pk" PRIMARY KEY("tenant_id","event_id","student_id")
);
--> statement-breakpoint
DROP INDEX "audit_tenant_student_idx";--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "attempt" text;--> statement-breakpoint
ALTER TABLE "audit_event_students" ADD CONSTRAINT "audit_event_students_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_event_students" ADD CONSTRAINT "audit_event_students_event_id_fk" FOREIGN KEY ("tenant_id","event_id") REFERENCES "public"."audit_events"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_students_tenant_student_at_idx" ON "audit_event_students" USING btree ("tenant_id","student_id","at","event_id");--> statement-breakpoint
CREATE INDEX "audit_tenant_at_idx" ON "audit_events" USING btree ("tenant_id","at","id");--> statement-breakpoint
CREATE INDEX "audit_tenant_actor_at_idx" ON "audit_events" USING btree ("tenant_id","actor_id","at","id");--> statement-breakpoint
-- Events written before audit_event_students existed named their one student on the event itself.
INSERT INTO "audit_event_students" ("tenant_id", "event_id", "student_id", "at")
SELECT "tenant_id", "id", "student_id", "at" FROM "audit_events" WHERE "student_id" IS NOT NULL
ON CONFLICT DO NOTHING;

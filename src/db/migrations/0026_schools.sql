CREATE TABLE "course_schools" (
	"tenant_id" uuid NOT NULL,
	"context_id" uuid NOT NULL,
	"school_id" uuid NOT NULL,
	"source" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "course_schools_tenant_id_context_id_pk" PRIMARY KEY("tenant_id","context_id")
);
--> statement-breakpoint
CREATE TABLE "school_enrolments" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"school_id" uuid NOT NULL,
	"grade_level" text,
	"started_on" date NOT NULL,
	"ended_on" date,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "school_enrolments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "schools" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"source" text NOT NULL,
	"lms_key" text,
	"sis_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schools_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "student_groups" (
	"tenant_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"dimension" text NOT NULL,
	"value" text NOT NULL,
	"source" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "student_groups_tenant_id_student_id_dimension_pk" PRIMARY KEY("tenant_id","student_id","dimension")
);
--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "staff_grants" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "course_schools" ADD CONSTRAINT "course_schools_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "course_schools" ADD CONSTRAINT "course_schools_context_id_fk" FOREIGN KEY ("tenant_id","context_id") REFERENCES "public"."contexts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "course_schools" ADD CONSTRAINT "course_schools_school_id_fk" FOREIGN KEY ("tenant_id","school_id") REFERENCES "public"."schools"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_enrolments" ADD CONSTRAINT "school_enrolments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_enrolments" ADD CONSTRAINT "school_enrolments_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_enrolments" ADD CONSTRAINT "school_enrolments_school_id_fk" FOREIGN KEY ("tenant_id","school_id") REFERENCES "public"."schools"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schools" ADD CONSTRAINT "schools_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_groups" ADD CONSTRAINT "student_groups_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_groups" ADD CONSTRAINT "student_groups_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "course_schools_school_idx" ON "course_schools" USING btree ("tenant_id","school_id");--> statement-breakpoint
CREATE UNIQUE INDEX "school_enrolments_current_uq" ON "school_enrolments" USING btree ("tenant_id","student_id") WHERE "school_enrolments"."ended_on" IS NULL;--> statement-breakpoint
CREATE INDEX "school_enrolments_school_idx" ON "school_enrolments" USING btree ("tenant_id","school_id","ended_on");--> statement-breakpoint
CREATE UNIQUE INDEX "schools_lms_key_uq" ON "schools" USING btree ("tenant_id","lms_key") WHERE "schools"."lms_key" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "schools_sis_key_uq" ON "schools" USING btree ("tenant_id","sis_key") WHERE "schools"."sis_key" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "student_groups_dimension_idx" ON "student_groups" USING btree ("tenant_id","dimension","value");--> statement-breakpoint
-- Staff roles given before schools were told apart held at every school: the same, as grants.
UPDATE "people" SET "staff_grants" = (SELECT jsonb_agg(jsonb_build_object('role', r, 'schoolId', NULL)) FROM unnest("staff_roles") AS r) WHERE cardinality("staff_roles") > 0;--> statement-breakpoint
-- Schools, their courses, enrolments and subgroups are tenant tables: the same row-level security policy as every other (0008, 0019).
SELECT app_enforce_tenant_isolation();

CREATE TABLE "survey_responses" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"window_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"answers" jsonb NOT NULL,
	"answered_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_responses_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "survey_windows" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"survey_id" text NOT NULL,
	"opens_on" date NOT NULL,
	"closes_on" date NOT NULL,
	"school_id" uuid,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" uuid,
	CONSTRAINT "survey_windows_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_window_id_fk" FOREIGN KEY ("tenant_id","window_id") REFERENCES "public"."survey_windows"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_windows" ADD CONSTRAINT "survey_windows_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "survey_responses_window_student_uq" ON "survey_responses" USING btree ("tenant_id","window_id","student_id");--> statement-breakpoint
CREATE INDEX "survey_responses_student_idx" ON "survey_responses" USING btree ("tenant_id","student_id");--> statement-breakpoint
CREATE INDEX "survey_windows_tenant_survey_idx" ON "survey_windows" USING btree ("tenant_id","survey_id","opens_on");--> statement-breakpoint
-- Survey windows and responses are tenant tables: the same row-level security policy as every other (0008, 0019).
SELECT app_enforce_tenant_isolation();

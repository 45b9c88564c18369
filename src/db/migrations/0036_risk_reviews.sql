CREATE TABLE "risk_review_attendees" (
	"tenant_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	CONSTRAINT "risk_review_attendees_tenant_id_meeting_id_person_id_pk" PRIMARY KEY("tenant_id","meeting_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "risk_review_decisions" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"summary" text NOT NULL,
	"created_record_id" uuid,
	"owner_id" uuid NOT NULL,
	"due_on" date,
	"status" text DEFAULT 'open' NOT NULL,
	"settled_in" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "risk_review_decisions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "risk_review_items" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"reasons" text[] NOT NULL,
	CONSTRAINT "risk_review_items_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "risk_review_notes" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"text" text NOT NULL,
	"author_id" uuid NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "risk_review_notes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "risk_reviews" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"school_id" uuid NOT NULL,
	"held_on" date NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "risk_reviews_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "risk_review_attendees" ADD CONSTRAINT "risk_review_attendees_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_review_attendees" ADD CONSTRAINT "risk_review_attendees_meeting_id_fk" FOREIGN KEY ("tenant_id","meeting_id") REFERENCES "public"."risk_reviews"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_review_attendees" ADD CONSTRAINT "risk_review_attendees_person_id_fk" FOREIGN KEY ("tenant_id","person_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_review_decisions" ADD CONSTRAINT "risk_review_decisions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_review_decisions" ADD CONSTRAINT "risk_review_decisions_meeting_id_fk" FOREIGN KEY ("tenant_id","meeting_id") REFERENCES "public"."risk_reviews"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_review_decisions" ADD CONSTRAINT "risk_review_decisions_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_review_decisions" ADD CONSTRAINT "risk_review_decisions_owner_id_fk" FOREIGN KEY ("tenant_id","owner_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_review_items" ADD CONSTRAINT "risk_review_items_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_review_items" ADD CONSTRAINT "risk_review_items_meeting_id_fk" FOREIGN KEY ("tenant_id","meeting_id") REFERENCES "public"."risk_reviews"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_review_items" ADD CONSTRAINT "risk_review_items_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_review_notes" ADD CONSTRAINT "risk_review_notes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_review_notes" ADD CONSTRAINT "risk_review_notes_meeting_id_fk" FOREIGN KEY ("tenant_id","meeting_id") REFERENCES "public"."risk_reviews"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_review_notes" ADD CONSTRAINT "risk_review_notes_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_review_notes" ADD CONSTRAINT "risk_review_notes_author_id_fk" FOREIGN KEY ("tenant_id","author_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_reviews" ADD CONSTRAINT "risk_reviews_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_reviews" ADD CONSTRAINT "risk_reviews_school_id_fk" FOREIGN KEY ("tenant_id","school_id") REFERENCES "public"."schools"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "risk_reviews" ADD CONSTRAINT "risk_reviews_created_by_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "risk_review_decisions_meeting_idx" ON "risk_review_decisions" USING btree ("tenant_id","meeting_id");--> statement-breakpoint
CREATE UNIQUE INDEX "risk_review_items_student_uq" ON "risk_review_items" USING btree ("tenant_id","meeting_id","student_id");--> statement-breakpoint
CREATE UNIQUE INDEX "risk_review_notes_student_uq" ON "risk_review_notes" USING btree ("tenant_id","meeting_id","student_id");--> statement-breakpoint
CREATE INDEX "risk_reviews_school_idx" ON "risk_reviews" USING btree ("tenant_id","school_id","held_on");--> statement-breakpoint
-- Risk reviews, their attendees, agenda, notes and decisions are tenant tables: the same row-level security policy as every other (0008, 0019).
SELECT app_enforce_tenant_isolation();

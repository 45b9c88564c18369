CREATE TABLE "reflection_cards" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"cycle_id" uuid NOT NULL,
	"component" text NOT NULL,
	"kind" text NOT NULL,
	"school_id" uuid NOT NULL,
	"day" date NOT NULL,
	"figures" jsonb NOT NULL,
	"attached_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reflection_cards_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "reflection_cycles" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"school_id" uuid,
	"title" text NOT NULL,
	"held_on" date NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"created_by" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reflection_cycles_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "reflection_entries" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"cycle_id" uuid NOT NULL,
	"component" text NOT NULL,
	"text" text NOT NULL,
	"author_id" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "reflection_entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "reflection_ratings" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"cycle_id" uuid NOT NULL,
	"look_for" text NOT NULL,
	"rating" text NOT NULL,
	"rated_by" uuid NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reflection_ratings_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "reflection_revisions" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"cycle_id" uuid NOT NULL,
	"component" text NOT NULL,
	"old_text" text NOT NULL,
	"new_text" text NOT NULL,
	"author_id" uuid NOT NULL,
	"cycle_version" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reflection_revisions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "reflection_cards" ADD CONSTRAINT "reflection_cards_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_cards" ADD CONSTRAINT "reflection_cards_cycle_id_fk" FOREIGN KEY ("tenant_id","cycle_id") REFERENCES "public"."reflection_cycles"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_cards" ADD CONSTRAINT "reflection_cards_school_id_fk" FOREIGN KEY ("tenant_id","school_id") REFERENCES "public"."schools"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_cards" ADD CONSTRAINT "reflection_cards_attached_by_fk" FOREIGN KEY ("tenant_id","attached_by") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_cycles" ADD CONSTRAINT "reflection_cycles_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_cycles" ADD CONSTRAINT "reflection_cycles_school_id_fk" FOREIGN KEY ("tenant_id","school_id") REFERENCES "public"."schools"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_cycles" ADD CONSTRAINT "reflection_cycles_created_by_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_entries" ADD CONSTRAINT "reflection_entries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_entries" ADD CONSTRAINT "reflection_entries_cycle_id_fk" FOREIGN KEY ("tenant_id","cycle_id") REFERENCES "public"."reflection_cycles"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_entries" ADD CONSTRAINT "reflection_entries_author_id_fk" FOREIGN KEY ("tenant_id","author_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_ratings" ADD CONSTRAINT "reflection_ratings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_ratings" ADD CONSTRAINT "reflection_ratings_cycle_id_fk" FOREIGN KEY ("tenant_id","cycle_id") REFERENCES "public"."reflection_cycles"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_ratings" ADD CONSTRAINT "reflection_ratings_rated_by_fk" FOREIGN KEY ("tenant_id","rated_by") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_revisions" ADD CONSTRAINT "reflection_revisions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_revisions" ADD CONSTRAINT "reflection_revisions_cycle_id_fk" FOREIGN KEY ("tenant_id","cycle_id") REFERENCES "public"."reflection_cycles"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflection_revisions" ADD CONSTRAINT "reflection_revisions_author_id_fk" FOREIGN KEY ("tenant_id","author_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reflection_cards_cycle_idx" ON "reflection_cards" USING btree ("tenant_id","cycle_id");--> statement-breakpoint
CREATE INDEX "reflection_cycles_school_idx" ON "reflection_cycles" USING btree ("tenant_id","school_id","held_on");--> statement-breakpoint
CREATE UNIQUE INDEX "reflection_entries_component_uq" ON "reflection_entries" USING btree ("tenant_id","cycle_id","component");--> statement-breakpoint
CREATE UNIQUE INDEX "reflection_ratings_look_for_uq" ON "reflection_ratings" USING btree ("tenant_id","cycle_id","look_for");--> statement-breakpoint
CREATE INDEX "reflection_revisions_cycle_idx" ON "reflection_revisions" USING btree ("tenant_id","cycle_id","at");--> statement-breakpoint
-- Reflection cycles, their words, revisions, ratings and evidence cards are tenant tables: the same row-level security policy as every other (0008, 0019).
SELECT app_enforce_tenant_isolation();

CREATE TABLE "team_map_actions" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"map_id" uuid NOT NULL,
	"title" text NOT NULL,
	"owner_id" uuid NOT NULL,
	"due_on" date,
	"status" text DEFAULT 'not_started' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_map_actions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "team_map_entries" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"map_id" uuid NOT NULL,
	"field_key" text NOT NULL,
	"text" text NOT NULL,
	"author_id" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "team_map_entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "team_map_revisions" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"map_id" uuid NOT NULL,
	"field_key" text NOT NULL,
	"old_text" text NOT NULL,
	"new_text" text NOT NULL,
	"author_id" uuid NOT NULL,
	"map_version" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_map_revisions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "team_maps" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"school_id" uuid,
	"title" text NOT NULL,
	"from_example" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"created_by" uuid NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_maps_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "team_map_actions" ADD CONSTRAINT "team_map_actions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_map_actions" ADD CONSTRAINT "team_map_actions_map_id_fk" FOREIGN KEY ("tenant_id","map_id") REFERENCES "public"."team_maps"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_map_actions" ADD CONSTRAINT "team_map_actions_owner_id_fk" FOREIGN KEY ("tenant_id","owner_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_map_entries" ADD CONSTRAINT "team_map_entries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_map_entries" ADD CONSTRAINT "team_map_entries_map_id_fk" FOREIGN KEY ("tenant_id","map_id") REFERENCES "public"."team_maps"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_map_entries" ADD CONSTRAINT "team_map_entries_author_id_fk" FOREIGN KEY ("tenant_id","author_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_map_revisions" ADD CONSTRAINT "team_map_revisions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_map_revisions" ADD CONSTRAINT "team_map_revisions_map_id_fk" FOREIGN KEY ("tenant_id","map_id") REFERENCES "public"."team_maps"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_map_revisions" ADD CONSTRAINT "team_map_revisions_author_id_fk" FOREIGN KEY ("tenant_id","author_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_maps" ADD CONSTRAINT "team_maps_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_maps" ADD CONSTRAINT "team_maps_school_id_fk" FOREIGN KEY ("tenant_id","school_id") REFERENCES "public"."schools"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_maps" ADD CONSTRAINT "team_maps_created_by_fk" FOREIGN KEY ("tenant_id","created_by") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "team_map_actions_map_idx" ON "team_map_actions" USING btree ("tenant_id","map_id");--> statement-breakpoint
CREATE UNIQUE INDEX "team_map_entries_field_uq" ON "team_map_entries" USING btree ("tenant_id","map_id","field_key");--> statement-breakpoint
CREATE INDEX "team_map_revisions_map_idx" ON "team_map_revisions" USING btree ("tenant_id","map_id","at");--> statement-breakpoint
CREATE INDEX "team_maps_school_idx" ON "team_maps" USING btree ("tenant_id","school_id");--> statement-breakpoint
-- Team maps, their words, revisions and actions are tenant tables: the same row-level security policy as every other (0008, 0019).
SELECT app_enforce_tenant_isolation();

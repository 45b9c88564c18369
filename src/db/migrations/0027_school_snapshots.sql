CREATE TABLE "school_snapshots" (
	"tenant_id" uuid NOT NULL,
	"school_id" uuid NOT NULL,
	"week_start" date NOT NULL,
	"students" integer NOT NULL,
	"figures" json NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "school_snapshots_tenant_id_school_id_week_start_pk" PRIMARY KEY("tenant_id","school_id","week_start")
);
--> statement-breakpoint
ALTER TABLE "school_snapshots" ADD CONSTRAINT "school_snapshots_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_snapshots" ADD CONSTRAINT "school_snapshots_school_id_fk" FOREIGN KEY ("tenant_id","school_id") REFERENCES "public"."schools"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Weekly school figures are tenant rows: the same row-level security policy as every other (0008, 0019).
SELECT app_enforce_tenant_isolation();

CREATE TABLE "supports" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"provider" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"category" text NOT NULL,
	"tier" integer NOT NULL,
	"eligibility" text DEFAULT '' NOT NULL,
	"capacity" integer,
	"contact" text DEFAULT '' NOT NULL,
	"hours" text DEFAULT '' NOT NULL,
	"languages" text[] DEFAULT '{}' NOT NULL,
	"cost" text NOT NULL,
	"referral" text NOT NULL,
	"sensitive" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"starter_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "supports_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "supports" ADD CONSTRAINT "supports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "supports_starter_key_uq" ON "supports" USING btree ("tenant_id","starter_key");--> statement-breakpoint
CREATE INDEX "supports_category_idx" ON "supports" USING btree ("tenant_id","category");--> statement-breakpoint
-- The new table gets the tenant policy like every other (0008, 0019).
SELECT app_enforce_tenant_isolation();

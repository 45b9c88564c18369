ALTER TABLE "tenants" ADD COLUMN "school_year_start" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "preferences" jsonb DEFAULT '{}'::jsonb NOT NULL;
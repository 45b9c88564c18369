ALTER TABLE "contexts" ADD COLUMN "kind" text DEFAULT 'undecided' NOT NULL;--> statement-breakpoint
ALTER TABLE "contexts" ADD COLUMN "kind_set_by" text;
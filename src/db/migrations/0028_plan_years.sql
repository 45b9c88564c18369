ALTER TABLE "plan_entries" ADD COLUMN "carried_from" text;--> statement-breakpoint
ALTER TABLE "plan_revisions" ADD COLUMN "carried_from" text;
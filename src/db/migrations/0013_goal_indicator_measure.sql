ALTER TABLE "goals" ADD COLUMN "measure_indicator" text;--> statement-breakpoint
ALTER TABLE "goals" ADD COLUMN "measure_target" double precision;
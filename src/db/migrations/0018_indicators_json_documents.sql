-- Stored indicators keep their tenant through the student reference ((tenant_id, student_id) -> people,
-- whose tenant_id references tenants): their own tenant_id -> tenants check was a second foreign-key
-- trigger on every row a school's first recompute writes.
ALTER TABLE "student_indicators" DROP CONSTRAINT "student_indicators_tenant_id_tenants_id_fk";
--> statement-breakpoint
-- The documents are stored and read whole, never queried inside: json keeps the text as it comes,
-- jsonb parsed every key and number of 100,000 documents on a whole school's recompute.
ALTER TABLE "student_indicators" ALTER COLUMN "indicators" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "student_indicators" ALTER COLUMN "reasons" SET DATA TYPE json;
--> statement-breakpoint
-- Each document (about 3 KB) is compressed as it is stored: lz4 takes a third of pglz's time. The
-- embedded database (and a server built without lz4) keeps pglz.
DO $$
BEGIN
  ALTER TABLE "student_indicators" ALTER COLUMN "indicators" SET COMPRESSION lz4, ALTER COLUMN "reasons" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$;

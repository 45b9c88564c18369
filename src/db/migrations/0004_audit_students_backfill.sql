-- Events written before audit_event_students existed named their one student on the event itself.
INSERT INTO "audit_event_students" ("tenant_id", "event_id", "student_id", "at")
SELECT "tenant_id", "id", "student_id", "at" FROM "audit_events" WHERE "student_id" IS NOT NULL
ON CONFLICT DO NOTHING;

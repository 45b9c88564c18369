CREATE TABLE "school_view_students" (
	"tenant_id" uuid NOT NULL,
	"student_id" uuid NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"computed_version" integer,
	"facts" json,
	"computed_at" timestamp with time zone,
	CONSTRAINT "school_view_students_tenant_id_student_id_pk" PRIMARY KEY("tenant_id","student_id")
);
--> statement-breakpoint
ALTER TABLE "school_view_students" ADD CONSTRAINT "school_view_students_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- The school view keeps each student's facts (src/dashboards/student-facts.ts) and needs to know when
-- they go stale: every statement that changes a student's rows in the tables they are drawn from adds
-- one to the student's version here, in the writing transaction. Statement-level triggers with
-- transition tables, so a roster sync or a nightly recompute of 100,000 rows costs one statement, and an
-- update counts only when a column the view reads changed (a sync rewriting updated_at does not).
-- A row is added only for a person who still exists: deleting a person (or a tenant) cascades through
-- these tables and must not add a row that references them.
-- TG_ARGV: [0] the column naming the student, [1] the columns the view reads, [2] which rows count.
CREATE OR REPLACE FUNCTION school_view_touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  student text := TG_ARGV[0];
  facts text := TG_ARGV[1];
  counted text := coalesce(TG_ARGV[2], 'true');
  changed text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    changed := format('SELECT tenant_id, %1$I AS student_id FROM new_rows WHERE %2$s', student, counted);
  ELSIF TG_OP = 'DELETE' THEN
    changed := format('SELECT tenant_id, %1$I AS student_id FROM old_rows WHERE %2$s', student, counted);
  ELSE
    changed := format(
      'SELECT tenant_id, student_id FROM ((SELECT tenant_id, %1$I AS student_id, %2$s FROM new_rows WHERE %3$s EXCEPT SELECT tenant_id, %1$I, %2$s FROM old_rows WHERE %3$s)'
      ' UNION ALL (SELECT tenant_id, %1$I, %2$s FROM old_rows WHERE %3$s EXCEPT SELECT tenant_id, %1$I, %2$s FROM new_rows WHERE %3$s)) c',
      student, facts, counted);
  END IF;
  EXECUTE format(
    'INSERT INTO school_view_students AS s (tenant_id, student_id) SELECT DISTINCT c.tenant_id, c.student_id FROM (%s) c'
    ' WHERE EXISTS (SELECT 1 FROM people p WHERE p.tenant_id = c.tenant_id AND p.id = c.student_id)'
    ' ON CONFLICT (tenant_id, student_id) DO UPDATE SET version = s.version + 1', changed);
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A course that becomes (or stops being) an advisory changes the advisories of every student in it.
CREATE OR REPLACE FUNCTION school_view_touch_context() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO school_view_students AS s (tenant_id, student_id)
  SELECT DISTINCT m.tenant_id, m.person_id
  FROM (SELECT tenant_id, id, kind FROM new_rows EXCEPT SELECT tenant_id, id, kind FROM old_rows) c
  JOIN memberships m ON m.tenant_id = c.tenant_id AND m.context_id = c.id AND m.role = 'student'
  ON CONFLICT (tenant_id, student_id) DO UPDATE SET version = s.version + 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
    ('checkins', 'student_id', 'date, attended', NULL),
    ('checkin_needs', 'student_id', 'category, urgency, resolved_at IS NULL', NULL),
    ('plans', 'student_id', 'school_year, status', NULL),
    ('navigator_assignments', 'student_id', 'navigator_id, active', NULL),
    ('memberships', 'person_id', 'context_id, role, status', 'role = ''student'''),
    ('student_groups', 'student_id', 'dimension, value', NULL),
    ('student_indicators', 'student_id', 'suggested_tier, (indicators -> ''bands'')::jsonb', NULL),
    ('tier_decisions', 'student_id', 'tier, decided_at', NULL),
    ('referrals', 'student_id', 'category, state, created_at, due_at, responded_at', NULL)
  ) AS v(name, student, facts, counted)
  LOOP
    EXECUTE format('CREATE TRIGGER %1$s AFTER INSERT ON %2$I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION school_view_touch(%3$L, %4$L, %5$L)',
      t.name || '_school_view_ins', t.name, t.student, t.facts, coalesce(t.counted, 'true'));
    EXECUTE format('CREATE TRIGGER %1$s AFTER UPDATE ON %2$I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION school_view_touch(%3$L, %4$L, %5$L)',
      t.name || '_school_view_upd', t.name, t.student, t.facts, coalesce(t.counted, 'true'));
    EXECUTE format('CREATE TRIGGER %1$s AFTER DELETE ON %2$I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION school_view_touch(%3$L, %4$L, %5$L)',
      t.name || '_school_view_del', t.name, t.student, t.facts, coalesce(t.counted, 'true'));
  END LOOP;
END $$;
--> statement-breakpoint
CREATE TRIGGER contexts_school_view_upd AFTER UPDATE ON contexts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION school_view_touch_context();
--> statement-breakpoint
SELECT app_enforce_tenant_isolation();

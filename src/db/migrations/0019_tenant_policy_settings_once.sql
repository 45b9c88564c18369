-- The tenant policy reads its two settings once per statement: each current_setting() call as a
-- scalar subquery is an init plan, where the bare call was evaluated again for every row a statement
-- touched (the indicators' read aggregates 88 attendance days a student: 5,000 students took 2-3 times
-- as long under the policy as without it). Same rule as 0008; app_enforce_tenant_isolation() keeps its role.
CREATE OR REPLACE FUNCTION app_enforce_tenant_isolation() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t record;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'success_plans_app') THEN
    GRANT USAGE ON SCHEMA public TO success_plans_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO success_plans_app;
    GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO success_plans_app;
  END IF;
  FOR t IN
    SELECT c.relname AS name, CASE WHEN c.relname = 'tenants' THEN 'id' ELSE 'tenant_id' END AS col
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      AND (c.relname = 'tenants' OR EXISTS (
        SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnum > 0 AND NOT a.attisdropped))
  LOOP
    EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t.name);
    EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', t.name);
    EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON public.%I', t.name);
    EXECUTE format(
      $policy$CREATE POLICY tenant_isolation ON public.%1$I
        USING ((SELECT current_setting('app.system', true)) = 'on' OR %2$I = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))
        WITH CHECK ((SELECT current_setting('app.system', true)) = 'on' OR %2$I = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))$policy$,
      t.name, t.col);
  END LOOP;
END $$;
--> statement-breakpoint
SELECT app_enforce_tenant_isolation();

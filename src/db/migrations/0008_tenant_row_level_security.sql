-- Row-level security beneath the code's own tenant scoping (src/db/tenant-scope.ts). The app's
-- queries run as success_plans_app, a role without LOGIN that is neither superuser nor owner (both
-- would bypass the policies); each connection carries the request's tenant in app.tenant_id, or
-- app.system = 'on' for the few named cross-tenant paths. Roles are per cluster: created only once,
-- and a concurrent migration of another database creating it first is fine. Where the migrating user
-- may not create roles, the app queries as that user (see below).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'success_plans_app') THEN
    BEGIN
      CREATE ROLE success_plans_app NOLOGIN;
    EXCEPTION
      WHEN duplicate_object OR unique_violation THEN NULL;
      -- A hosted database whose user may not create roles (Heroku): the app then queries as that user,
      -- the tables' owner, whom FORCE ROW LEVEL SECURITY holds to the policies just the same.
      WHEN insufficient_privilege THEN
        RAISE NOTICE 'success_plans_app not created (no CREATEROLE): the app queries as %, held by FORCE ROW LEVEL SECURITY', current_user;
        RETURN;
    END;
  END IF;
  -- A non-superuser migrating user must be a member to SET ROLE to it; if it may not be, the app stays itself (as above).
  IF NOT pg_has_role(current_user, 'success_plans_app', 'MEMBER') THEN
    BEGIN
      EXECUTE format('GRANT success_plans_app TO %I', current_user);
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'success_plans_app not granted to %: the app queries as that user', current_user;
    END;
  END IF;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO success_plans_app;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO success_plans_app;
END $$;
--> statement-breakpoint
-- Grants, and on every public table with a tenant_id column (and tenants itself, by id): ENABLE and
-- FORCE row-level security and the one policy. Idempotent: a migration that adds a tenant table ends
-- with `SELECT app_enforce_tenant_isolation();` again (test/integration/db/row-level-security.test.ts
-- fails until it does).
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
        USING (current_setting('app.system', true) = 'on' OR %2$I = nullif(current_setting('app.tenant_id', true), '')::uuid)
        WITH CHECK (current_setting('app.system', true) = 'on' OR %2$I = nullif(current_setting('app.tenant_id', true), '')::uuid)$policy$,
      t.name, t.col);
  END LOOP;
END $$;
--> statement-breakpoint
SELECT app_enforce_tenant_isolation();

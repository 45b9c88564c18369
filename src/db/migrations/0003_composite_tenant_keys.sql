-- Every tenant table keyed by (tenant_id, id), every reference carrying the tenant (src/db/keys.ts).
-- Order matters on a database with data: the single-column foreign keys go first (they depend on the
-- primary keys they point at), then the old primary keys (<table>_pkey, as PostgreSQL named the inline
-- PRIMARY KEYs of 0000), then the new keys, then the composite foreign keys, which check every row.
ALTER TABLE "checkin_needs" DROP CONSTRAINT "checkin_needs_student_id_people_id_fk";
--> statement-breakpoint
ALTER TABLE "checkin_needs" DROP CONSTRAINT "checkin_needs_checkin_id_checkins_id_fk";
--> statement-breakpoint
ALTER TABLE "checkin_preps" DROP CONSTRAINT "checkin_preps_student_id_people_id_fk";
--> statement-breakpoint
ALTER TABLE "checkins" DROP CONSTRAINT "checkins_student_id_people_id_fk";
--> statement-breakpoint
ALTER TABLE "goal_progress" DROP CONSTRAINT "goal_progress_goal_id_goals_id_fk";
--> statement-breakpoint
ALTER TABLE "goal_steps" DROP CONSTRAINT "goal_steps_goal_id_goals_id_fk";
--> statement-breakpoint
ALTER TABLE "goal_suggestions" DROP CONSTRAINT "goal_suggestions_goal_id_goals_id_fk";
--> statement-breakpoint
ALTER TABLE "goals" DROP CONSTRAINT "goals_student_id_people_id_fk";
--> statement-breakpoint
ALTER TABLE "navigator_assignments" DROP CONSTRAINT "navigator_assignments_student_id_people_id_fk";
--> statement-breakpoint
ALTER TABLE "navigator_assignments" DROP CONSTRAINT "navigator_assignments_navigator_id_people_id_fk";
--> statement-breakpoint
ALTER TABLE "plan_comments" DROP CONSTRAINT "plan_comments_plan_id_plans_id_fk";
--> statement-breakpoint
ALTER TABLE "plan_entries" DROP CONSTRAINT "plan_entries_plan_id_plans_id_fk";
--> statement-breakpoint
ALTER TABLE "plan_revisions" DROP CONSTRAINT "plan_revisions_plan_id_plans_id_fk";
--> statement-breakpoint
ALTER TABLE "plans" DROP CONSTRAINT "plans_student_id_people_id_fk";
--> statement-breakpoint
ALTER TABLE "memberships" DROP CONSTRAINT "memberships_context_id_contexts_id_fk";
--> statement-breakpoint
ALTER TABLE "memberships" DROP CONSTRAINT "memberships_person_id_people_id_fk";
--> statement-breakpoint
ALTER TABLE "roster_sync_leases" DROP CONSTRAINT "roster_sync_leases_context_id_contexts_id_fk";
--> statement-breakpoint
ALTER TABLE "roster_sync_runs" DROP CONSTRAINT "roster_sync_runs_context_id_contexts_id_fk";
--> statement-breakpoint
ALTER TABLE "ags_contexts" DROP CONSTRAINT "ags_contexts_context_id_contexts_id_fk";
--> statement-breakpoint
ALTER TABLE "score_publish_runs" DROP CONSTRAINT "score_publish_runs_context_id_contexts_id_fk";
--> statement-breakpoint
ALTER TABLE "form_submissions" DROP CONSTRAINT "form_submissions_person_id_people_id_fk";
--> statement-breakpoint
DROP INDEX "plan_entries_field_voice_uq";--> statement-breakpoint
DROP INDEX "memberships_context_person_uq";--> statement-breakpoint
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_pkey";--> statement-breakpoint
ALTER TABLE "checkin_needs" DROP CONSTRAINT "checkin_needs_pkey";--> statement-breakpoint
ALTER TABLE "checkin_preps" DROP CONSTRAINT "checkin_preps_pkey";--> statement-breakpoint
ALTER TABLE "checkins" DROP CONSTRAINT "checkins_pkey";--> statement-breakpoint
ALTER TABLE "goal_progress" DROP CONSTRAINT "goal_progress_pkey";--> statement-breakpoint
ALTER TABLE "goal_steps" DROP CONSTRAINT "goal_steps_pkey";--> statement-breakpoint
ALTER TABLE "goal_suggestions" DROP CONSTRAINT "goal_suggestions_pkey";--> statement-breakpoint
ALTER TABLE "goals" DROP CONSTRAINT "goals_pkey";--> statement-breakpoint
ALTER TABLE "lti_login_states" DROP CONSTRAINT "lti_login_states_pkey";--> statement-breakpoint
ALTER TABLE "navigator_assignments" DROP CONSTRAINT "navigator_assignments_pkey";--> statement-breakpoint
ALTER TABLE "plan_comments" DROP CONSTRAINT "plan_comments_pkey";--> statement-breakpoint
ALTER TABLE "plan_entries" DROP CONSTRAINT "plan_entries_pkey";--> statement-breakpoint
ALTER TABLE "plan_revisions" DROP CONSTRAINT "plan_revisions_pkey";--> statement-breakpoint
ALTER TABLE "plans" DROP CONSTRAINT "plans_pkey";--> statement-breakpoint
ALTER TABLE "deployments" DROP CONSTRAINT "deployments_pkey";--> statement-breakpoint
ALTER TABLE "contexts" DROP CONSTRAINT "contexts_pkey";--> statement-breakpoint
ALTER TABLE "memberships" DROP CONSTRAINT "memberships_pkey";--> statement-breakpoint
ALTER TABLE "people" DROP CONSTRAINT "people_pkey";--> statement-breakpoint
ALTER TABLE "roster_sync_leases" DROP CONSTRAINT "roster_sync_leases_pkey";--> statement-breakpoint
ALTER TABLE "roster_sync_runs" DROP CONSTRAINT "roster_sync_runs_pkey";--> statement-breakpoint
ALTER TABLE "ags_contexts" DROP CONSTRAINT "ags_contexts_pkey";--> statement-breakpoint
ALTER TABLE "score_publish_runs" DROP CONSTRAINT "score_publish_runs_pkey";--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "checkin_needs" ADD CONSTRAINT "checkin_needs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "checkin_preps" ADD CONSTRAINT "checkin_preps_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "checkins" ADD CONSTRAINT "checkins_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "goal_progress" ADD CONSTRAINT "goal_progress_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "goal_steps" ADD CONSTRAINT "goal_steps_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "goal_suggestions" ADD CONSTRAINT "goal_suggestions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "lti_login_states" ADD CONSTRAINT "lti_login_states_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "navigator_assignments" ADD CONSTRAINT "navigator_assignments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "plan_comments" ADD CONSTRAINT "plan_comments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "plan_entries" ADD CONSTRAINT "plan_entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "plan_revisions" ADD CONSTRAINT "plan_revisions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "contexts" ADD CONSTRAINT "contexts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "roster_sync_leases" ADD CONSTRAINT "roster_sync_leases_tenant_id_context_id_pk" PRIMARY KEY("tenant_id","context_id");--> statement-breakpoint
ALTER TABLE "roster_sync_runs" ADD CONSTRAINT "roster_sync_runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "ags_contexts" ADD CONSTRAINT "ags_contexts_tenant_id_context_id_pk" PRIMARY KEY("tenant_id","context_id");--> statement-breakpoint
ALTER TABLE "score_publish_runs" ADD CONSTRAINT "score_publish_runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "checkin_needs" ADD CONSTRAINT "checkin_needs_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkin_needs" ADD CONSTRAINT "checkin_needs_checkin_id_fk" FOREIGN KEY ("tenant_id","checkin_id") REFERENCES "public"."checkins"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkin_preps" ADD CONSTRAINT "checkin_preps_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkins" ADD CONSTRAINT "checkins_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal_progress" ADD CONSTRAINT "goal_progress_goal_id_fk" FOREIGN KEY ("tenant_id","goal_id") REFERENCES "public"."goals"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal_steps" ADD CONSTRAINT "goal_steps_goal_id_fk" FOREIGN KEY ("tenant_id","goal_id") REFERENCES "public"."goals"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goal_suggestions" ADD CONSTRAINT "goal_suggestions_goal_id_fk" FOREIGN KEY ("tenant_id","goal_id") REFERENCES "public"."goals"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "navigator_assignments" ADD CONSTRAINT "navigator_assignments_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "navigator_assignments" ADD CONSTRAINT "navigator_assignments_navigator_id_fk" FOREIGN KEY ("tenant_id","navigator_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_comments" ADD CONSTRAINT "plan_comments_plan_id_fk" FOREIGN KEY ("tenant_id","plan_id") REFERENCES "public"."plans"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_entries" ADD CONSTRAINT "plan_entries_plan_id_fk" FOREIGN KEY ("tenant_id","plan_id") REFERENCES "public"."plans"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_revisions" ADD CONSTRAINT "plan_revisions_plan_id_fk" FOREIGN KEY ("tenant_id","plan_id") REFERENCES "public"."plans"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_student_id_fk" FOREIGN KEY ("tenant_id","student_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_context_id_fk" FOREIGN KEY ("tenant_id","context_id") REFERENCES "public"."contexts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_person_id_fk" FOREIGN KEY ("tenant_id","person_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_sync_leases" ADD CONSTRAINT "roster_sync_leases_context_id_fk" FOREIGN KEY ("tenant_id","context_id") REFERENCES "public"."contexts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_sync_runs" ADD CONSTRAINT "roster_sync_runs_context_id_fk" FOREIGN KEY ("tenant_id","context_id") REFERENCES "public"."contexts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ags_contexts" ADD CONSTRAINT "ags_contexts_context_id_fk" FOREIGN KEY ("tenant_id","context_id") REFERENCES "public"."contexts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_publish_runs" ADD CONSTRAINT "score_publish_runs_context_id_fk" FOREIGN KEY ("tenant_id","context_id") REFERENCES "public"."contexts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_submissions" ADD CONSTRAINT "form_submissions_person_id_fk" FOREIGN KEY ("tenant_id","person_id") REFERENCES "public"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "plan_entries_field_voice_uq" ON "plan_entries" USING btree ("tenant_id","plan_id","field_key","voice");--> statement-breakpoint
CREATE UNIQUE INDEX "memberships_context_person_uq" ON "memberships" USING btree ("tenant_id","context_id","person_id");
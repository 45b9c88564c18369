CREATE TABLE "lti_login_states" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"state" text NOT NULL,
	"nonce" text NOT NULL,
	"login_hint" text NOT NULL,
	"message_hint" text,
	"target_link_uri" text NOT NULL,
	"deployment_hint" text,
	"storage_target" text,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"pending_claims" jsonb,
	"completed_at" timestamp with time zone,
	"restarted_at" timestamp with time zone,
	"deep_linking" jsonb,
	"responded_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "lti_login_states" ADD CONSTRAINT "lti_login_states_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "lti_login_states_state_uq" ON "lti_login_states" USING btree ("state");--> statement-breakpoint
CREATE UNIQUE INDEX "lti_login_states_nonce_uq" ON "lti_login_states" USING btree ("nonce");--> statement-breakpoint
CREATE INDEX "lti_login_states_expires_idx" ON "lti_login_states" USING btree ("expires_at");
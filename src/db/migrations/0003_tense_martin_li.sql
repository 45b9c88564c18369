CREATE TABLE "lti_documents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"collection" text NOT NULL,
	"document" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "roster_sync_leases" (
	"context_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"holder" text NOT NULL,
	"locked_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ags_contexts" (
	"context_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"line_item_url" text,
	"scopes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"line_items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_checked_at" timestamp with time zone,
	"last_published_at" timestamp with time zone,
	"scores_posted" integer DEFAULT 0 NOT NULL,
	"last_error_kind" text,
	"last_error" text,
	"last_error_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "score_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"publish_enabled" boolean DEFAULT false NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "roster_sync_runs" ADD COLUMN "status" text DEFAULT 'running' NOT NULL;--> statement-breakpoint
ALTER TABLE "roster_sync_runs" ADD COLUMN "members" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "roster_sync_leases" ADD CONSTRAINT "roster_sync_leases_context_id_contexts_id_fk" FOREIGN KEY ("context_id") REFERENCES "public"."contexts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_sync_leases" ADD CONSTRAINT "roster_sync_leases_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ags_contexts" ADD CONSTRAINT "ags_contexts_context_id_contexts_id_fk" FOREIGN KEY ("context_id") REFERENCES "public"."contexts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ags_contexts" ADD CONSTRAINT "ags_contexts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_settings" ADD CONSTRAINT "score_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lti_documents_collection_idx" ON "lti_documents" USING btree ("collection");--> statement-breakpoint
CREATE INDEX "lti_documents_document_idx" ON "lti_documents" USING gin ("document" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "lti_documents_expires_idx" ON "lti_documents" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "roster_sync_runs_context_idx" ON "roster_sync_runs" USING btree ("tenant_id","context_id","started_at");
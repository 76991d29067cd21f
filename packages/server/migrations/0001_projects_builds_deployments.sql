CREATE TABLE "build_log_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"build_id" text NOT NULL,
	"seq" integer NOT NULL,
	"stream" text NOT NULL,
	"text" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "builds" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"project_id" text NOT NULL,
	"number" integer NOT NULL,
	"status" text NOT NULL,
	"environment" text NOT NULL,
	"trigger" text NOT NULL,
	"source" text NOT NULL,
	"git_url" text,
	"branch" text,
	"commit_sha" text,
	"archive_path" text,
	"root_dir" text DEFAULT '' NOT NULL,
	"steps" jsonb NOT NULL,
	"cache" text,
	"is_reused" boolean DEFAULT false NOT NULL,
	"source_key" text,
	"settings" jsonb,
	"error_step" text,
	"error_reason" text,
	"error_message" text,
	"isolation" jsonb,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"actor_label" text,
	"retry_of" text,
	"deployment_id" text,
	"job_id" text,
	"cancel_requested_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "branch_aliases" (
	"project_id" text NOT NULL,
	"branch_slug" text NOT NULL,
	"deployment_id" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deployments" (
	"id" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"team_id" text NOT NULL,
	"project_id" text NOT NULL,
	"build_id" text NOT NULL,
	"environment" text NOT NULL,
	"branch" text,
	"commit_sha" text,
	"artifact_hash" text NOT NULL,
	"spa_fallback" boolean NOT NULL,
	"files" integer NOT NULL,
	"bytes" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deployments_label_unique" UNIQUE("label")
);
--> statement-breakpoint
CREATE TABLE "promotions" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"deployment_id" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "env_vars" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"key" text NOT NULL,
	"value_sealed" text NOT NULL,
	"is_sensitive" boolean DEFAULT false NOT NULL,
	"targets" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "git_deliveries" (
	"project_id" text NOT NULL,
	"delivery_id" text NOT NULL,
	"provider" text NOT NULL,
	"build_id" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "git_deliveries_unique" UNIQUE("project_id","delivery_id")
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"git_url" text,
	"git_branch" text,
	"root_dir" text DEFAULT '' NOT NULL,
	"production_branch" text DEFAULT 'main' NOT NULL,
	"settings" jsonb NOT NULL,
	"memory_mb" integer NOT NULL,
	"cpus" real NOT NULL,
	"pids" integer NOT NULL,
	"timeout_seconds" integer NOT NULL,
	"webhook_secret_sealed" text NOT NULL,
	"production_deployment_id" text,
	"env_changed_at" timestamp with time zone,
	"next_build_number" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "projects_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
ALTER TABLE "build_log_lines" ADD CONSTRAINT "build_log_lines_build_id_builds_id_fk" FOREIGN KEY ("build_id") REFERENCES "public"."builds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "builds" ADD CONSTRAINT "builds_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "branch_aliases" ADD CONSTRAINT "branch_aliases_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "env_vars" ADD CONSTRAINT "env_vars_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "git_deliveries" ADD CONSTRAINT "git_deliveries_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "build_log_lines_build_idx" ON "build_log_lines" USING btree ("build_id","seq");--> statement-breakpoint
CREATE INDEX "builds_project_idx" ON "builds" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "builds_team_status_idx" ON "builds" USING btree ("team_id","status");--> statement-breakpoint
CREATE INDEX "builds_source_key_idx" ON "builds" USING btree ("project_id","source_key");--> statement-breakpoint
CREATE INDEX "branch_aliases_idx" ON "branch_aliases" USING btree ("project_id","branch_slug");--> statement-breakpoint
CREATE INDEX "deployments_project_idx" ON "deployments" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "promotions_project_idx" ON "promotions" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "env_vars_project_key_idx" ON "env_vars" USING btree ("project_id","key");--> statement-breakpoint
CREATE INDEX "projects_team_idx" ON "projects" USING btree ("team_id","created_at");
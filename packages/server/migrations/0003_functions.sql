CREATE TABLE "function_env_vars" (
	"id" text PRIMARY KEY NOT NULL,
	"function_id" text NOT NULL,
	"key" text NOT NULL,
	"value_sealed" text NOT NULL,
	"is_sensitive" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "function_invocations" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"function_id" text NOT NULL,
	"version_id" text,
	"version_number" integer,
	"trigger" text NOT NULL,
	"mode" text NOT NULL,
	"status" text NOT NULL,
	"outcome" text,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"response_status" integer,
	"is_cold_start" boolean,
	"init_ms" double precision,
	"duration_ms" double precision,
	"memory_bytes" bigint,
	"cpu_ms" double precision,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"logs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"response_body" text,
	"request" jsonb,
	"dedupe_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "function_triggers" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"function_id" text NOT NULL,
	"kind" text NOT NULL,
	"schedule" text,
	"timezone" text,
	"event" text,
	"is_enabled" boolean DEFAULT true NOT NULL,
	"last_fired_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "function_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"function_id" text NOT NULL,
	"team_id" text NOT NULL,
	"number" integer NOT NULL,
	"status" text NOT NULL,
	"runtime" text NOT NULL,
	"entry" text NOT NULL,
	"code_entry" text,
	"error" text,
	"size_bytes" bigint,
	"build_ms" integer,
	"env_sealed" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "functions" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"project_id" text NOT NULL,
	"name" text NOT NULL,
	"runtime" text NOT NULL,
	"entry" text NOT NULL,
	"settings" jsonb NOT NULL,
	"production_version_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "functions" jsonb;--> statement-breakpoint
ALTER TABLE "cron_schedules" ADD COLUMN "timezone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "function_env_vars" ADD CONSTRAINT "function_env_vars_function_id_functions_id_fk" FOREIGN KEY ("function_id") REFERENCES "public"."functions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "function_invocations" ADD CONSTRAINT "function_invocations_function_id_functions_id_fk" FOREIGN KEY ("function_id") REFERENCES "public"."functions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "function_triggers" ADD CONSTRAINT "function_triggers_function_id_functions_id_fk" FOREIGN KEY ("function_id") REFERENCES "public"."functions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "function_versions" ADD CONSTRAINT "function_versions_function_id_functions_id_fk" FOREIGN KEY ("function_id") REFERENCES "public"."functions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "functions" ADD CONSTRAINT "functions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "function_env_vars_key_idx" ON "function_env_vars" USING btree ("function_id","key");--> statement-breakpoint
CREATE INDEX "function_invocations_function_idx" ON "function_invocations" USING btree ("function_id","created_at");--> statement-breakpoint
CREATE INDEX "function_invocations_team_idx" ON "function_invocations" USING btree ("team_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "function_invocations_dedupe_idx" ON "function_invocations" USING btree ("function_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "function_triggers_function_idx" ON "function_triggers" USING btree ("function_id");--> statement-breakpoint
CREATE INDEX "function_triggers_event_idx" ON "function_triggers" USING btree ("event");--> statement-breakpoint
CREATE UNIQUE INDEX "function_versions_number_idx" ON "function_versions" USING btree ("function_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "functions_project_name_idx" ON "functions" USING btree ("project_id","name");--> statement-breakpoint
CREATE INDEX "functions_team_idx" ON "functions" USING btree ("team_id");
import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { projects } from "../projects/projects.tables.ts";

export const builds = pgTable(
  "builds",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    /** queued → running → succeeded | failed | canceled */
    status: text("status").notNull(),
    environment: text("environment").notNull(),
    trigger: text("trigger").notNull(),
    source: text("source").notNull(),
    gitUrl: text("git_url"),
    branch: text("branch"),
    /** The commit a push asked for; the commit actually built once cloned. */
    commitSha: text("commit_sha"),
    archivePath: text("archive_path"),
    rootDir: text("root_dir").notNull().default(""),
    steps: jsonb("steps")
      .$type<{ id: string; status: string; startedAt: string | null; endedAt: string | null }[]>()
      .notNull(),
    cache: text("cache"),
    isReused: boolean("is_reused").notNull().default(false),
    sourceKey: text("source_key"),
    settings: jsonb("settings").$type<Record<string, unknown>>(),
    errorStep: text("error_step"),
    errorReason: text("error_reason"),
    errorMessage: text("error_message"),
    isolation: jsonb("isolation").$type<Record<string, unknown>>(),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    actorLabel: text("actor_label"),
    retryOf: text("retry_of"),
    deploymentId: text("deployment_id"),
    jobId: text("job_id"),
    cancelRequestedAt: timestamp("cancel_requested_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("builds_project_idx").on(t.projectId, t.createdAt),
    index("builds_team_status_idx").on(t.teamId, t.status),
    index("builds_source_key_idx").on(t.projectId, t.sourceKey),
  ],
);

export const buildLogLines = pgTable(
  "build_log_lines",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    buildId: text("build_id")
      .notNull()
      .references(() => builds.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    stream: text("stream").notNull(),
    text: text("text").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [index("build_log_lines_build_idx").on(t.buildId, t.seq)],
);

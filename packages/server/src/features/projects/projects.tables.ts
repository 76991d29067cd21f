import { index, integer, jsonb, pgTable, real, text, timestamp, unique } from "drizzle-orm/pg-core";
import { teams } from "../teams/teams.tables.ts";

export const projects = pgTable(
  "projects",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Instance-wide: it is part of every hostname of the project. */
    slug: text("slug").notNull().unique(),
    gitUrl: text("git_url"),
    gitBranch: text("git_branch"),
    rootDir: text("root_dir").notNull().default(""),
    productionBranch: text("production_branch").notNull().default("main"),
    /** BuildSettings as the project fixed them (detection fills the rest at build time). */
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull(),
    memoryMb: integer("memory_mb").notNull(),
    cpus: real("cpus").notNull(),
    pids: integer("pids").notNull(),
    timeoutSeconds: integer("timeout_seconds").notNull(),
    /** RuntimeSettings: how server-app instances run and scale; read live, a change applies at once. */
    runtime: jsonb("runtime").$type<Record<string, unknown>>().notNull().default({}),
    /** DeploymentPreferences (auto-deploy, preview retention). */
    preferences: jsonb("preferences").$type<Record<string, unknown>>().notNull().default({}),
    /** Signs git pushes (GitHub, Gitea) or is sent verbatim (GitLab) and signs deploy hooks. Sealed. */
    webhookSecretSealed: text("webhook_secret_sealed").notNull(),
    productionDeploymentId: text("production_deployment_id"),
    envChangedAt: timestamp("env_changed_at", { withTimezone: true }),
    nextBuildNumber: integer("next_build_number").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("projects_team_idx").on(t.teamId, t.createdAt)],
);

/** Push deliveries seen, so a redelivered push starts no second build. */
export const gitDeliveries = pgTable(
  "git_deliveries",
  {
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    deliveryId: text("delivery_id").notNull(),
    provider: text("provider").notNull(),
    buildId: text("build_id"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("git_deliveries_unique").on(t.projectId, t.deliveryId)],
);

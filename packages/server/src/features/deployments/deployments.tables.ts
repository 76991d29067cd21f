import { boolean, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { projects } from "../projects/projects.tables.ts";

/** Immutable: a deployment never changes after it is made; aliases and promotions point at it. */
export const deployments = pgTable(
  "deployments",
  {
    id: text("id").primaryKey(),
    /** The DNS label in its own hostname: `<label>--<project>.<domain>`. */
    label: text("label").notNull().unique(),
    teamId: text("team_id").notNull(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    buildId: text("build_id").notNull(),
    environment: text("environment").notNull(),
    branch: text("branch"),
    commitSha: text("commit_sha"),
    artifactHash: text("artifact_hash").notNull(),
    spaFallback: boolean("spa_fallback").notNull(),
    /** "static" (files) or "app" (a server started with startCommand in the artifact). */
    kind: text("kind").notNull().default("static"),
    startCommand: text("start_command"),
    /** Apps: the env vars as they were at deploy time, sealed; instances get exactly these. */
    envSealed: text("env_sealed"),
    /** Functions served at /api/<name> from the artifact's api/ folder: [{name, runtime, entry}]. */
    functions: jsonb("functions").$type<{ name: string; runtime: string; entry: string }[]>(),
    files: integer("files").notNull(),
    bytes: integer("bytes").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("deployments_project_idx").on(t.projectId, t.createdAt)],
);

/** Production's history: promote adds a row, rollback goes back to the one before. */
export const promotions = pgTable(
  "promotions",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    deploymentId: text("deployment_id").notNull(),
    /** How production got here: build, promote, rollback. */
    reason: text("reason").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("promotions_project_idx").on(t.projectId, t.createdAt)],
);

/** The branch preview hostnames: `<project>-git-<branch>` points at the newest deployment of the branch. */
export const branchAliases = pgTable(
  "branch_aliases",
  {
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    branchSlug: text("branch_slug").notNull(),
    deploymentId: text("deployment_id").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("branch_aliases_idx").on(t.projectId, t.branchSlug)],
);

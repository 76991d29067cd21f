import type { FunctionSettings } from "@slipway/contracts";
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { projects } from "../projects/projects.tables.ts";

export const functions = pgTable(
  "functions",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    runtime: text("runtime").notNull(),
    /** The entry of the next version; each version keeps the one it was built with. */
    entry: text("entry").notNull(),
    settings: jsonb("settings").$type<FunctionSettings>().notNull(),
    /** The production alias: the version the function's URL and triggers run. */
    productionVersionId: text("production_version_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("functions_project_name_idx").on(t.projectId, t.name), index("functions_team_idx").on(t.teamId)],
);

/** Immutable: a deploy adds one; the production alias moves between them. */
export const functionVersions = pgTable(
  "function_versions",
  {
    id: text("id").primaryKey(),
    functionId: text("function_id")
      .notNull()
      .references(() => functions.id, { onDelete: "cascade" }),
    teamId: text("team_id").notNull(),
    number: integer("number").notNull(),
    /** "ready" or "failed" (the packager's message in error). */
    status: text("status").notNull(),
    runtime: text("runtime").notNull(),
    /** As written, relative to the function's folder (what the editor opens). */
    entry: text("entry").notNull(),
    /** What the runtime loads, relative to the packaged code (a compiled .mjs, Go's binary); null when failed. */
    codeEntry: text("code_entry"),
    error: text("error"),
    sizeBytes: bigint("size_bytes", { mode: "number" }),
    buildMs: integer("build_ms"),
    /** The env vars (project's and the function's own) as they were at deploy time, sealed. */
    envSealed: text("env_sealed"),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("function_versions_number_idx").on(t.functionId, t.number)],
);

export const functionEnvVars = pgTable(
  "function_env_vars",
  {
    id: text("id").primaryKey(),
    functionId: text("function_id")
      .notNull()
      .references(() => functions.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    /** AES-256-GCM with `function-env:<id>` bound in. */
    valueSealed: text("value_sealed").notNull(),
    isSensitive: boolean("is_sensitive").notNull().default(false),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("function_env_vars_key_idx").on(t.functionId, t.key)],
);

/** One row per invocation; sync ones are written in batches by the gateway, async ones at enqueue. */
export const functionInvocations = pgTable(
  "function_invocations",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull(),
    functionId: text("function_id")
      .notNull()
      .references(() => functions.id, { onDelete: "cascade" }),
    versionId: text("version_id"),
    versionNumber: integer("version_number"),
    trigger: text("trigger").notNull(),
    mode: text("mode").notNull(),
    status: text("status").notNull(),
    outcome: text("outcome"),
    method: text("method").notNull(),
    path: text("path").notNull(),
    responseStatus: integer("response_status"),
    isColdStart: boolean("is_cold_start"),
    initMs: doublePrecision("init_ms"),
    durationMs: doublePrecision("duration_ms"),
    memoryBytes: bigint("memory_bytes", { mode: "number" }),
    cpuMs: doublePrecision("cpu_ms"),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    logs: jsonb("logs").$type<string[]>().notNull().default([]),
    responseBody: text("response_body"),
    /** Async: the request as queued ({method, path, headers, bodyBase64}), kept for retries and redrives. */
    request: jsonb("request").$type<Record<string, unknown>>(),
    /** What fired an async invocation (a cron slot, an event, a settled invocation): it runs once per key. */
    dedupeKey: text("dedupe_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("function_invocations_function_idx").on(t.functionId, t.createdAt),
    index("function_invocations_team_idx").on(t.teamId, t.createdAt),
    uniqueIndex("function_invocations_dedupe_idx").on(t.functionId, t.dedupeKey),
  ],
);

export const functionTriggers = pgTable(
  "function_triggers",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull(),
    functionId: text("function_id")
      .notNull()
      .references(() => functions.id, { onDelete: "cascade" }),
    /** "cron" or "event". */
    kind: text("kind").notNull(),
    schedule: text("schedule"),
    timezone: text("timezone"),
    event: text("event"),
    isEnabled: boolean("is_enabled").notNull().default(true),
    lastFiredAt: timestamp("last_fired_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("function_triggers_function_idx").on(t.functionId), index("function_triggers_event_idx").on(t.event)],
);

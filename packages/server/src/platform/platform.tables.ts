import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/** The durable job queue. Workers claim rows with FOR UPDATE SKIP LOCKED and hold a lease. */
export const jobs = pgTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    payload: jsonb("payload").notNull(),
    /** queued → running → succeeded | failed */
    status: text("status").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(3),
    runAt: timestamp("run_at", { withTimezone: true }).notNull().defaultNow(),
    /** Set while running; a lease that runs out means the worker died. */
    lockedBy: text("locked_by"),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    /** Enqueueing twice with the same key is a no-op while the first is not finished. */
    dedupeKey: text("dedupe_key"),
    lastError: text("last_error"),
    result: jsonb("result"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("jobs_ready_idx").on(t.status, t.runAt),
    uniqueIndex("jobs_dedupe_idx").on(t.dedupeKey).where(sql`status in ('queued', 'running')`),
  ],
);

export const cronSchedules = pgTable("cron_schedules", {
  name: text("name").primaryKey(),
  expression: text("expression").notNull(),
  /** The IANA zone the expression is read in. */
  timezone: text("timezone").notNull().default("UTC"),
  jobName: text("job_name").notNull(),
  payload: jsonb("payload").notNull(),
  nextRunAt: timestamp("next_run_at", { withTimezone: true }).notNull(),
  lastRunAt: timestamp("last_run_at", { withTimezone: true }),
});

/** The outbox: every state change writes its event here in the same transaction. */
export const events = pgTable(
  "events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    type: text("type").notNull(),
    teamId: text("team_id"),
    payload: jsonb("payload").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("events_team_idx").on(t.teamId, t.id)],
);

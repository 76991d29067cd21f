import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Append-only. No foreign keys: the record outlives the team, user or token it names. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id"),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    actorLabel: text("actor_label"),
    action: text("action").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id"),
    result: text("result").notNull(),
    ip: text("ip"),
    details: jsonb("details").$type<Record<string, unknown>>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("audit_team_time_idx").on(t.teamId, t.createdAt), index("audit_time_idx").on(t.createdAt)],
);

import { boolean, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { projects } from "../projects/projects.tables.ts";

export const envVars = pgTable(
  "env_vars",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    /** AES-256-GCM with `env:<id>` bound in. */
    valueSealed: text("value_sealed").notNull(),
    isSensitive: boolean("is_sensitive").notNull().default(false),
    targets: jsonb("targets").$type<string[]>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // One key may have a value per target (a production and a preview DATABASE_URL); the use case
  // keeps targets of one key from overlapping.
  (t) => [index("env_vars_project_key_idx").on(t.projectId, t.key)],
);

import { bigserial, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { projects } from "../projects/projects.tables.ts";

/** stdout/stderr of server-app instances, capped per deployment (see runtime-logs.ts). */
export const runtimeLogLines = pgTable(
  "runtime_log_lines",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** Not a foreign key: an app logs while it is started, before its deployment row exists. */
    deploymentId: text("deployment_id").notNull(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    instanceId: text("instance_id").notNull(),
    stream: text("stream").notNull(),
    text: text("text").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [index("runtime_log_lines_deployment_idx").on(t.deploymentId, t.id)],
);

import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { projects } from "../projects/projects.tables.ts";

/** A custom domain of a project: proven by a TXT record, then routed by the edge. */
export const domains = pgTable(
  "domains",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id").notNull(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    /** Lower-case, without trailing dot; `*.example.com` for a wildcard. */
    hostname: text("hostname").notNull(),
    /** Null serves production; a branch serves that branch's newest deployment. */
    branch: text("branch"),
    redirectTo: text("redirect_to"),
    redirectStatus: integer("redirect_status"),
    httpsRedirect: boolean("https_redirect").notNull().default(false),
    /** The value expected in `_slipway-challenge.<hostname>`: `slipway-verify=<token>`. */
    verificationToken: text("verification_token").notNull(),
    /** pending | verified | failed */
    status: text("status").notNull().default("pending"),
    lastCheckedAt: timestamp("last_checked_at", { withTimezone: true }),
    lastCheckResult: text("last_check_result"),
    /** RoutingCheck of the last check: `{ status, message }`. */
    routingCheck: jsonb("routing_check").$type<{ status: string; message: string }>(),
    verifiedAt: timestamp("verified_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Instance-wide: one host routes to one project. Inserts rely on it, not on a prior check.
    uniqueIndex("domains_hostname_idx").on(t.hostname),
    index("domains_project_idx").on(t.projectId, t.createdAt),
    index("domains_status_idx").on(t.status, t.createdAt),
  ],
);

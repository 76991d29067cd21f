import type { AuditEntry, AuditQuery } from "@slipway/contracts";
import { and, eq, gte, ilike, isNull, lte, or } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { afterCursor, decodeCursor, newestFirst, toPage } from "../../platform/pagination.ts";
import { auditLog } from "./audit.tables.ts";

type AuditRow = typeof auditLog.$inferSelect;

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    teamId: row.teamId,
    actor: { type: row.actorType as AuditEntry["actor"]["type"], id: row.actorId, label: row.actorLabel },
    action: row.action,
    resource: { type: row.resourceType, id: row.resourceId },
    result: row.result as AuditEntry["result"],
    ip: row.ip,
    details: row.details,
    createdAt: row.createdAt.toISOString(),
  };
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A team's audit log, or with `teamId: null` the instance's own (sign-ins, sign-ups, password
 * changes), newest first. `actor` matches an id exactly or an email/label in part.
 */
export async function listAuditEntries(options: { teamId: string | null; query: AuditQuery }, db: Db) {
  const q = options.query;
  const rows = await db
    .select()
    .from(auditLog)
    .where(
      and(
        options.teamId === null ? isNull(auditLog.teamId) : eq(auditLog.teamId, options.teamId),
        q.actor ? or(eq(auditLog.actorId, q.actor), ilike(auditLog.actorLabel, `%${escapeLike(q.actor)}%`)) : undefined,
        q.action ? ilike(auditLog.action, `${escapeLike(q.action)}%`) : undefined,
        q.result ? eq(auditLog.result, q.result) : undefined,
        q.from ? gte(auditLog.createdAt, new Date(q.from)) : undefined,
        q.to ? lte(auditLog.createdAt, new Date(q.to)) : undefined,
        afterCursor(auditLog, decodeCursor(q.cursor)),
      ),
    )
    .orderBy(...newestFirst(auditLog))
    .limit(q.limit + 1);
  return toPage(rows, q.limit, toEntry);
}

import { auditLog } from "../features/audit/audit.tables.ts";
import { type Actor, actorId, actorLabel } from "./access.ts";
import type { Executor } from "./db.ts";
import { newId } from "./ids.ts";

export type AuditRecord = {
  actor: Actor | { type: "system" };
  ip: string | null;
  teamId: string | null;
  action: string;
  resource: { type: string; id: string | null };
  result: "success" | "denied" | "failure";
  details?: Record<string, unknown>;
};

/** Writes one audit record. Call it with the transaction that makes the change it records. */
export async function recordAudit(db: Executor, record: AuditRecord): Promise<void> {
  const actor = record.actor;
  await db.insert(auditLog).values({
    id: newId("aud"),
    teamId: record.teamId,
    actorType: actor.type,
    actorId: actor.type === "system" ? null : actorId(actor),
    actorLabel: actor.type === "system" ? "Slipway" : actorLabel(actor),
    action: record.action,
    resourceType: record.resource.type,
    resourceId: record.resource.id,
    result: record.result,
    ip: record.ip,
    details: record.details ?? null,
  });
}

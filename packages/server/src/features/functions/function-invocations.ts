import type { Invocation, InvocationDetail, InvocationQuery } from "@slipway/contracts";
import { and, eq, gte, ilike, lt, or, type SQL, sql } from "drizzle-orm";
import type { Executor } from "../../platform/db.ts";
import { notFound } from "../../platform/errors.ts";
import { afterCursor, decodeCursor, newestFirst, toPage } from "../../platform/pagination.ts";
import { functionInvocations } from "./functions.tables.ts";

export type InvocationRow = typeof functionInvocations.$inferSelect;
export type InvocationInsert = typeof functionInvocations.$inferInsert;

/** Statuses that count as errors in rates and metrics. */
export const errorStatuses = ["failed", "dead"] as const;

export function toInvocation(row: InvocationRow): Invocation {
  return {
    id: row.id,
    functionId: row.functionId,
    versionId: row.versionId,
    versionNumber: row.versionNumber,
    trigger: row.trigger as Invocation["trigger"],
    mode: row.mode as Invocation["mode"],
    status: row.status as Invocation["status"],
    outcome: row.outcome as Invocation["outcome"],
    method: row.method,
    path: row.path,
    responseStatus: row.responseStatus,
    isColdStart: row.isColdStart,
    initMs: row.initMs,
    durationMs: row.durationMs,
    memoryBytes: row.memoryBytes,
    cpuMs: row.cpuMs,
    attempts: row.attempts,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export function toInvocationDetail(row: InvocationRow): InvocationDetail {
  return { ...toInvocation(row), logs: row.logs, responseBody: row.responseBody };
}

/** A row as written (defaults filled in), for answering before the batch reaches the store. */
export function insertedRow(row: InvocationInsert & { createdAt: Date }): InvocationRow {
  return {
    versionId: null,
    versionNumber: null,
    outcome: null,
    responseStatus: null,
    isColdStart: null,
    initMs: null,
    durationMs: null,
    memoryBytes: null,
    cpuMs: null,
    attempts: 0,
    error: null,
    logs: [],
    responseBody: null,
    request: null,
    dedupeKey: null,
    finishedAt: null,
    ...row,
  };
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, "\\$&");

/** A function's invocations, newest first, filtered as the log viewer asks. */
export async function listInvocations(functionId: string, query: InvocationQuery, db: Executor) {
  const t = functionInvocations;
  const conditions: (SQL | undefined)[] = [eq(t.functionId, functionId), afterCursor(t, decodeCursor(query.cursor))];
  if (query.status) conditions.push(eq(t.status, query.status));
  if (query.coldStart) conditions.push(eq(t.isColdStart, query.coldStart === "true"));
  if (query.trigger) conditions.push(eq(t.trigger, query.trigger));
  if (query.since) conditions.push(gte(t.createdAt, new Date(query.since)));
  if (query.until) conditions.push(lt(t.createdAt, new Date(query.until)));
  if (query.q) {
    const pattern = `%${escapeLike(query.q)}%`;
    conditions.push(or(ilike(sql`${t.logs}::text`, pattern), ilike(t.error, pattern)));
  }
  const rows = await db
    .select()
    .from(t)
    .where(and(...conditions))
    .orderBy(...newestFirst(t))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, toInvocation);
}

export async function loadInvocation(functionId: string, invocationId: string, db: Executor): Promise<InvocationRow> {
  const [row] = await db
    .select()
    .from(functionInvocations)
    .where(and(eq(functionInvocations.id, invocationId), eq(functionInvocations.functionId, functionId)));
  if (!row) throw notFound("invocation");
  return row;
}

/** Bytes as text when they are text (valid UTF-8, no NUL); null for binary. */
export function textOf(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  const text = bytes.toString("utf8");
  return text.includes("\uFFFD") && !bytes.includes(Buffer.from("\uFFFD")) ? null : text;
}

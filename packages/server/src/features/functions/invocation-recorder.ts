import { EventEmitter } from "node:events";
import { getTableColumns, getTableName, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import type { InvocationRow } from "./function-invocations.ts";
import { functionInvocations } from "./functions.tables.ts";

/** First characters of a response body kept on the record (as the contract says). */
export const maxResponseBodyChars = 64 * 1024;

export type InvocationRecorder = ReturnType<typeof createInvocationRecorder>;

const columns = Object.entries(getTableColumns(functionInvocations));
/**
 * A batch goes in as one JSON parameter (the rows as they are, under their property names) that
 * the store turns into rows: drizzle's builder binds every value of a 200-row insert one by one,
 * which cost the platform more CPU than storing them did.
 */
const insertFromJson = {
  head: sql.raw(
    `insert into "${getTableName(functionInvocations)}" (${columns.map(([, c]) => `"${c.name}"`).join(", ")}) select ${columns.map(([key]) => `"${key}"`).join(", ")} from jsonb_to_recordset(`,
  ),
  tail: sql.raw(`::jsonb) as r(${columns.map(([key, c]) => `"${key}" ${c.getSQLType()}`).join(", ")})`),
};

/**
 * Sync invocations are written in batches (every flushMs or maxRows), off the request's path;
 * readers in this process are woken per function once their rows are in the store.
 */
export function createInvocationRecorder(deps: { db: Db; logger: Logger; flushMs?: number; maxRows?: number }) {
  const flushMs = deps.flushMs ?? 250;
  const maxRows = deps.maxRows ?? 200;
  const wakeups = new EventEmitter();
  wakeups.setMaxListeners(0);
  let pending: InvocationRow[] = [];
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();

  async function write(batch: InvocationRow[]) {
    try {
      await deps.db.execute(sql`${insertFromJson.head}${JSON.stringify(batch)}${insertFromJson.tail}`);
    } catch {
      // One row of a function deleted meanwhile fails the batch: keep the others.
      for (const row of batch) {
        await deps.db
          .insert(functionInvocations)
          .values(row)
          .catch((error) =>
            deps.logger.warn({ err: error, invocation: row.id }, "an invocation record was not stored"),
          );
      }
    }
    for (const functionId of new Set(batch.map((row) => row.functionId))) wakeups.emit(functionId);
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending;
    pending = [];
    if (batch.length > 0) flushing = flushing.then(() => write(batch));
    return flushing;
  }

  return {
    /** Every column set (insertedRow): the batch's insert fills no defaults. */
    record(row: InvocationRow): void {
      // Logs come capped from the engine (engines/functions/invocation-log.ts).
      pending.push(row);
      if (pending.length >= maxRows) void flush();
      else timer ??= setTimeout(() => void flush(), flushMs);
    },
    /** Writes what is pending now; reads after it see every invocation this process finished. */
    flush,
    /** Tells this process's readers that a function's invocations changed (async ones are written directly). */
    notify(functionId: string): void {
      wakeups.emit(functionId);
    },
    subscribe(functionId: string, listener: () => void): () => void {
      wakeups.on(functionId, listener);
      return () => wakeups.off(functionId, listener);
    },
    stop: () => flush(),
  };
}

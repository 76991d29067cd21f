import { EventEmitter } from "node:events";
import type { RuntimeLogLine } from "@slipway/contracts";
import { and, asc, desc, eq, gt, ilike, lt, type SQL } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import { runtimeLogLines } from "./apps.tables.ts";

const maxLineLength = 8_000;
const flushEveryMs = 200;
const flushAtLines = 500;
/** Per deployment: older lines go once there are this many more (checked every pruneEvery lines). */
const defaultCap = 20_000;
const pruneEvery = 1_000;

export type RuntimeLogs = ReturnType<typeof createRuntimeLogs>;
export type RuntimeLogWriter = { write(instanceId: string, stream: RuntimeLogLine["stream"], text: string): void };
export type RuntimeLogFilter = { instanceId?: string; stream?: RuntimeLogLine["stream"]; q?: string };

/**
 * stdout/stderr of app instances, batched into the store with their instance id and time, and
 * capped per deployment so a chatty app cannot fill the disk. Readers in this process are woken
 * at each flush.
 */
export function createRuntimeLogs(deps: { db: Db; logger: Logger; capPerDeployment?: number }) {
  const cap = deps.capPerDeployment ?? defaultCap;
  const wakeups = new EventEmitter();
  wakeups.setMaxListeners(0);
  let pending: (typeof runtimeLogLines.$inferInsert)[] = [];
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  const sincePrune = new Map<string, number>();

  async function prune(deploymentId: string) {
    const [edge] = await deps.db
      .select({ id: runtimeLogLines.id })
      .from(runtimeLogLines)
      .where(eq(runtimeLogLines.deploymentId, deploymentId))
      .orderBy(desc(runtimeLogLines.id))
      .offset(cap)
      .limit(1);
    if (edge)
      await deps.db
        .delete(runtimeLogLines)
        .where(and(eq(runtimeLogLines.deploymentId, deploymentId), lt(runtimeLogLines.id, edge.id + 1)));
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return flushing;
    flushing = flushing
      .then(async () => {
        await deps.db.insert(runtimeLogLines).values(batch);
        const touched = new Set(batch.map((line) => line.deploymentId));
        for (const id of touched) {
          const count = (sincePrune.get(id) ?? 0) + batch.filter((line) => line.deploymentId === id).length;
          if (count >= pruneEvery) {
            sincePrune.set(id, 0);
            await prune(id);
          } else sincePrune.set(id, count);
          wakeups.emit(id);
        }
      })
      .catch((error) => deps.logger.warn({ err: error, lines: batch.length }, "runtime log lines were not stored"));
    return flushing;
  }

  return {
    writer(deployment: { id: string; projectId: string }): RuntimeLogWriter {
      return {
        write(instanceId, stream, text) {
          pending.push({
            deploymentId: deployment.id,
            projectId: deployment.projectId,
            instanceId,
            stream,
            text: text.length > maxLineLength ? `${text.slice(0, maxLineLength)} …(line cut)` : text,
            at: new Date(),
          });
          if (pending.length >= flushAtLines) void flush();
          else timer ??= setTimeout(() => void flush(), flushEveryMs);
        },
      };
    },
    flush,
    /** Lines after `after` in order; without it, the newest `limit` lines (still in order). */
    async read(
      deploymentId: string,
      options: { after?: number; limit: number } & RuntimeLogFilter,
    ): Promise<RuntimeLogLine[]> {
      const conditions: SQL[] = [eq(runtimeLogLines.deploymentId, deploymentId)];
      if (options.after !== undefined) conditions.push(gt(runtimeLogLines.id, options.after));
      if (options.instanceId) conditions.push(eq(runtimeLogLines.instanceId, options.instanceId));
      if (options.stream) conditions.push(eq(runtimeLogLines.stream, options.stream));
      if (options.q) conditions.push(ilike(runtimeLogLines.text, `%${options.q.replace(/[\\%_]/g, "\\$&")}%`));
      const isTail = options.after === undefined;
      const rows = await deps.db
        .select()
        .from(runtimeLogLines)
        .where(and(...conditions))
        .orderBy(isTail ? desc(runtimeLogLines.id) : asc(runtimeLogLines.id))
        .limit(options.limit);
      if (isTail) rows.reverse();
      return rows.map((row) => ({
        id: row.id,
        instanceId: row.instanceId,
        stream: row.stream as RuntimeLogLine["stream"],
        text: row.text,
        at: row.at.toISOString(),
      }));
    },
    subscribe(deploymentId: string, listener: () => void): () => void {
      wakeups.on(deploymentId, listener);
      return () => wakeups.off(deploymentId, listener);
    },
  };
}

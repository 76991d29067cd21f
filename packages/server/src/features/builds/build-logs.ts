import { EventEmitter } from "node:events";
import type { BuildLogLine } from "@slipway/contracts";
import { and, asc, eq, gt, max } from "drizzle-orm";
import type { LogLine } from "../../engines/builder/builder.types.ts";
import type { Db } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import { buildLogLines } from "./builds.tables.ts";

/** A line longer than this is cut: one minified bundle printed by mistake must not fill the store. */
const maxLineLength = 8_000;
const flushEveryMs = 100;
const flushAtLines = 200;

export type BuildLogs = ReturnType<typeof createBuildLogs>;

/**
 * Build output goes to the store in small batches (every 100 ms), so a reader anywhere sees
 * it within a moment and nothing is lost when the build ends. Readers in this process are
 * woken at each flush; others poll.
 */
export function createBuildLogs(deps: { db: Db; logger: Logger }) {
  const wakeups = new EventEmitter();
  wakeups.setMaxListeners(0);

  async function openWriter(buildId: string) {
    const [row] = await deps.db
      .select({ last: max(buildLogLines.seq) })
      .from(buildLogLines)
      .where(eq(buildLogLines.buildId, buildId));
    let seq = row?.last ?? 0;
    let pending: (typeof buildLogLines.$inferInsert)[] = [];
    let timer: NodeJS.Timeout | null = null;
    let flushing: Promise<void> = Promise.resolve();

    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      const batch = pending;
      pending = [];
      flushing = flushing
        .then(async () => {
          if (batch.length > 0) await deps.db.insert(buildLogLines).values(batch);
          wakeups.emit(buildId);
        })
        // A store hiccup costs these lines, never the build (or the process).
        .catch((error) =>
          deps.logger.warn({ err: error, buildId, lines: batch.length }, "build log lines were not stored"),
        );
      return flushing;
    };

    return {
      append(line: LogLine) {
        for (const text of line.text.split("\n")) {
          pending.push({
            buildId,
            seq: ++seq,
            stream: line.stream,
            text: text.length > maxLineLength ? `${text.slice(0, maxLineLength)} …(line cut)` : text,
            at: line.at,
          });
        }
        if (pending.length >= flushAtLines) void flush();
        else timer ??= setTimeout(() => void flush(), flushEveryMs);
      },
      system(text: string) {
        this.append({ stream: "system", text, at: new Date() });
      },
      flush,
    };
  }

  async function read(buildId: string, afterSeq: number, limit = 5000): Promise<BuildLogLine[]> {
    const rows = await deps.db
      .select()
      .from(buildLogLines)
      .where(and(eq(buildLogLines.buildId, buildId), gt(buildLogLines.seq, afterSeq)))
      .orderBy(asc(buildLogLines.seq))
      .limit(limit);
    return rows.map((r) => ({
      seq: r.seq,
      stream: r.stream as BuildLogLine["stream"],
      text: r.text,
      at: r.at.toISOString(),
    }));
  }

  return {
    openWriter,
    read,
    /** Something about the build changed (lines, a step, its status): wake its readers. */
    notify: (buildId: string) => wakeups.emit(buildId),
    subscribe(buildId: string, listener: () => void): () => void {
      wakeups.on(buildId, listener);
      return () => wakeups.off(buildId, listener);
    },
  };
}

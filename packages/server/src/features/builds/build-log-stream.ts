import type { Build } from "@slipway/contracts";
import { eq } from "drizzle-orm";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Db } from "../../platform/db.ts";
import type { BuildLogs } from "./build-logs.ts";
import { type BuildRow, isBuildActive } from "./build-view.ts";
import { builds } from "./builds.tables.ts";

const pollMs = 1000;
const heartbeatMs = 15_000;

/**
 * Server-sent events: every log line (`line`), the build whenever it changes (`build`), and
 * `end` once it is over and every line was sent. `Last-Event-ID` (the last line's seq)
 * resumes a dropped stream without repeats. Woken by this process's writers; polls for
 * builds running on other nodes.
 */
export async function streamBuildLog(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { buildId: string; afterSeq: number },
  deps: { db: Db; logs: BuildLogs; view: (row: BuildRow) => Promise<Build> },
) {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  let lastSeq = options.afterSeq;
  let lastBuildJson = "";
  let isClosed = false;
  let isBusy = false;
  let isDirty = false;

  const send = (event: string, data: unknown, id?: number) => {
    res.write(`${id !== undefined ? `id: ${id}\n` : ""}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  async function pump() {
    if (isClosed) return;
    if (isBusy) {
      isDirty = true;
      return;
    }
    isBusy = true;
    try {
      do {
        isDirty = false;
        const [row] = await deps.db.select().from(builds).where(eq(builds.id, options.buildId));
        if (!row) return close();
        for (;;) {
          const lines = await deps.logs.read(options.buildId, lastSeq, 1000);
          for (const line of lines) send("line", line, line.seq);
          if (lines.length === 0) break;
          lastSeq = lines.at(-1)?.seq ?? lastSeq;
        }
        const build = await deps.view(row);
        const json = JSON.stringify(build);
        if (json !== lastBuildJson) {
          lastBuildJson = json;
          send("build", build);
        }
        const isOver = !isBuildActive(row.status);
        if (isOver) {
          // Lines flushed after the status changed: one more read, then end.
          const tail = await deps.logs.read(options.buildId, lastSeq, 5000);
          for (const line of tail) send("line", line, line.seq);
          send("end", { status: row.status });
          return close();
        }
      } while (isDirty && !isClosed);
    } finally {
      isBusy = false;
    }
  }

  // A failed read ends this stream, never the process.
  const safePump = () =>
    pump().catch((error) => {
      request.log.warn({ err: error, buildId: options.buildId }, "build log stream failed");
      close();
    });
  const unsubscribe = deps.logs.subscribe(options.buildId, () => void safePump());
  const poll = setInterval(() => void safePump(), pollMs);
  const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), heartbeatMs);
  function close() {
    if (isClosed) return;
    isClosed = true;
    unsubscribe();
    clearInterval(poll);
    clearInterval(heartbeat);
    res.end();
  }
  request.raw.on("close", close);
  await safePump();
}

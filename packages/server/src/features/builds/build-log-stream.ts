import type { Build } from "@slipway/contracts";
import { eq } from "drizzle-orm";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Db } from "../../platform/db.ts";
import { openEventStream } from "../../platform/event-stream.ts";
import type { BuildLogs } from "./build-logs.ts";
import { type BuildRow, isBuildActive } from "./build-view.ts";
import { builds } from "./builds.tables.ts";

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
  let lastSeq = options.afterSeq;
  let lastBuildJson = "";
  await openEventStream(request, reply, {
    what: { buildId: options.buildId },
    subscribe: (wake) => deps.logs.subscribe(options.buildId, wake),
    async pump(send) {
      const [row] = await deps.db.select().from(builds).where(eq(builds.id, options.buildId));
      if (!row) return "end";
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
      if (isBuildActive(row.status)) return "open";
      // Lines flushed after the status changed: one more read, then end.
      const tail = await deps.logs.read(options.buildId, lastSeq, 5000);
      for (const line of tail) send("line", line, line.seq);
      send("end", { status: row.status });
      return "end";
    },
  });
}

import type { FastifyReply, FastifyRequest } from "fastify";
import { openEventStream } from "../../platform/event-stream.ts";
import type { RuntimeLogFilter, RuntimeLogs } from "./runtime-logs.ts";

/**
 * Server-sent events: each runtime log line as `line` (id = the line's id), until the client
 * goes; `ready` once the backlog is out. `Last-Event-ID` resumes without repeats. Without a
 * starting point: the last 100 lines, then what comes.
 */
export async function streamRuntimeLog(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { deploymentId: string; after: number | undefined; filter: RuntimeLogFilter },
  deps: { logs: RuntimeLogs },
) {
  const { deploymentId, filter } = options;
  let last = options.after;
  let isFirst = true;
  await openEventStream(request, reply, {
    what: { deploymentId },
    subscribe: (wake) => deps.logs.subscribe(deploymentId, wake),
    async pump(send) {
      if (last === undefined) {
        const backlog = await deps.logs.read(deploymentId, { limit: 100, ...filter });
        // Start after whatever exists now, even lines the filter leaves out.
        const [newest] = backlog.length > 0 ? [] : await deps.logs.read(deploymentId, { limit: 1 });
        last = backlog.at(-1)?.id ?? newest?.id ?? 0;
        for (const line of backlog) send("line", line, line.id);
        send("ready", {});
        isFirst = false;
        return "open";
      }
      for (;;) {
        const lines = await deps.logs.read(deploymentId, { after: last, limit: 1000, ...filter });
        for (const line of lines) send("line", line, line.id);
        last = lines.at(-1)?.id ?? last;
        if (lines.length < 1000) break;
      }
      if (isFirst) send("ready", {});
      isFirst = false;
      return "open";
    },
  });
}

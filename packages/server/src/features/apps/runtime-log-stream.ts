import type { FastifyReply, FastifyRequest } from "fastify";
import type { RuntimeLogFilter, RuntimeLogs } from "./runtime-logs.ts";

const pollMs = 1000;
const heartbeatMs = 15_000;

/**
 * Server-sent events: each runtime log line as `line` (id = the line's id), until the client
 * goes. `Last-Event-ID` resumes without repeats. Woken by this node's writer; polls for lines
 * other nodes wrote.
 */
export async function streamRuntimeLog(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { deploymentId: string; after: number | undefined; filter: RuntimeLogFilter },
  deps: { logs: RuntimeLogs },
) {
  // Without a starting point: the last 100 lines, then what comes.
  const backlog =
    options.after === undefined
      ? await deps.logs.read(options.deploymentId, { limit: 100, ...options.filter })
      : await deps.logs.read(options.deploymentId, { after: options.after, limit: 5000, ...options.filter });
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  let last = options.after ?? 0;
  let isClosed = false;
  let isBusy = false;
  let isDirty = false;
  const send = (lines: typeof backlog) => {
    for (const line of lines) {
      res.write(`id: ${line.id}\nevent: line\ndata: ${JSON.stringify(line)}\n\n`);
      last = line.id;
    }
  };
  send(backlog);
  if (backlog.length === 0 && options.after === undefined) {
    // Start after whatever exists now, even filtered out.
    const [newest] = await deps.logs.read(options.deploymentId, { limit: 1 });
    last = newest?.id ?? 0;
  }
  res.write("event: ready\ndata: {}\n\n");

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
        for (;;) {
          const lines = await deps.logs.read(options.deploymentId, { after: last, limit: 1000, ...options.filter });
          send(lines);
          if (lines.length < 1000) break;
        }
      } while (isDirty && !isClosed);
    } finally {
      isBusy = false;
    }
  }
  const safePump = () =>
    pump().catch((error) => {
      request.log.warn({ err: error, deploymentId: options.deploymentId }, "runtime log stream failed");
      close();
    });
  const unsubscribe = deps.logs.subscribe(options.deploymentId, () => void safePump());
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
}

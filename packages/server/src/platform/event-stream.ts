import type { FastifyReply, FastifyRequest } from "fastify";

export type SendEvent = (event: string, data: unknown, id?: number) => void;

/**
 * A server-sent events response kept open until `pump` says it is over or the client goes.
 * `pump` sends what is new since its last call; it runs at once, whenever `subscribe`'s wake
 * fires (this process's writers) and every pollMs (other nodes' writers). Wakes during a pump
 * coalesce into one more pump; a failing pump ends the stream, never the process.
 */
export async function openEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  options: {
    pump(send: SendEvent): Promise<"open" | "end">;
    subscribe(wake: () => void): () => void;
    /** Names the stream in logs. */
    what: Record<string, unknown>;
    pollMs?: number;
    heartbeatMs?: number;
  },
): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  const send: SendEvent = (event, data, id) => {
    res.write(`${id !== undefined ? `id: ${id}\n` : ""}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  let isClosed = false;
  let isBusy = false;
  let isDirty = false;

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
        if ((await options.pump(send)) === "end") return close();
      } while (isDirty && !isClosed);
    } finally {
      isBusy = false;
    }
  }
  const safePump = () =>
    pump().catch((error) => {
      request.log.warn({ err: error, ...options.what }, "event stream failed");
      close();
    });
  const unsubscribe = options.subscribe(() => void safePump());
  const poll = setInterval(() => void safePump(), options.pollMs ?? 1000);
  const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), options.heartbeatMs ?? 15_000);
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

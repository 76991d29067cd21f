// A fixed-rate open-loop load in its own process (what wrk2 does; wrk2 is not in Debian): GETs
// sent on a schedule of `rate` per second over a fixed set of keep-alive connections, each
// request's latency counted from when the schedule said to send it, not from when a free
// connection let it go, so a server that falls behind shows its whole delay (no coordinated
// omission). Raw sockets with the request formatted once and responses framed by
// Content-Length: a few µs of CPU per request, where node:http's client takes tens.
// The parent sends {type: "run", ...FixedRateRun}; the child answers {type: "result", ...}.
import { connect, type Socket } from "node:net";
import { type FixedRateResult, type FixedRateRun, summarise } from "./fixed-rate.ts";

/** scheduledAt: the request on it now, null when it is free. */
type Connection = { socket: Socket; buffer: Buffer; scheduledAt: number | null; isOpen: boolean };

/** A request still unanswered this long after the schedule ended counts as an error. */
const drainMs = 5_000;

async function run(options: FixedRateRun): Promise<FixedRateResult> {
  const target = new URL(options.url);
  const request = Buffer.from(
    `GET ${options.path} HTTP/1.1\r\nHost: ${options.host}\r\nUser-Agent: slipway-bench\r\n\r\n`,
  );
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const errors = new Map<string, number>();
  const count = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);
  /** Scheduled send times waiting for a free connection, oldest first. */
  const backlog: number[] = [];
  let backlogHead = 0;
  const idle: Connection[] = [];
  const connections = new Set<Connection>();
  let inFlight = 0;
  let isStopped = false;
  let measureFrom = Number.POSITIVE_INFINITY;

  function send(connection: Connection, scheduledAt: number) {
    connection.scheduledAt = scheduledAt;
    inFlight += 1;
    connection.socket.write(request);
  }

  /** A free connection takes the oldest waiting request, or waits itself. */
  function release(connection: Connection) {
    const next = backlog[backlogHead];
    if (next !== undefined) {
      backlogHead += 1;
      send(connection, next);
    } else idle.push(connection);
  }

  function answered(connection: Connection, status: number) {
    const scheduledAt = connection.scheduledAt ?? 0;
    connection.scheduledAt = null;
    inFlight -= 1;
    if (scheduledAt >= measureFrom) {
      latencies.push(performance.now() - scheduledAt);
      count(statuses, status);
    }
    release(connection);
  }

  /** Frames one response at the head of the buffer; its status, or null until it is whole. */
  function takeResponse(connection: Connection): number | null {
    const end = connection.buffer.indexOf("\r\n\r\n");
    if (end === -1) return null;
    const head = connection.buffer.subarray(0, end).toString("latin1");
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
    if (length === undefined) throw new Error(`a response without Content-Length: ${head.split("\r\n")[0]}`);
    const total = end + 4 + Number(length);
    if (connection.buffer.length < total) return null;
    connection.buffer = connection.buffer.subarray(total);
    return Number(head.slice(9, 12));
  }

  function open(): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
      const connection: Connection = { socket, buffer: Buffer.alloc(0), scheduledAt: null, isOpen: false };
      socket.once("connect", () => {
        connection.isOpen = true;
        connections.add(connection);
        resolve(connection);
      });
      socket.on("data", (chunk: Buffer) => {
        connection.buffer = connection.buffer.length === 0 ? chunk : Buffer.concat([connection.buffer, chunk]);
        try {
          for (let status = takeResponse(connection); status !== null; status = takeResponse(connection)) {
            answered(connection, status);
          }
        } catch (error) {
          count(errors, error instanceof Error ? error.message : String(error));
          socket.destroy();
        }
      });
      socket.on("error", (error: NodeJS.ErrnoException) => {
        if (!connection.isOpen) reject(error);
        else count(errors, error.code ?? error.message);
      });
      socket.on("close", () => {
        if (!connection.isOpen) return;
        // A connection the server closed loses its request (an error) and is replaced.
        connection.isOpen = false;
        connections.delete(connection);
        const index = idle.indexOf(connection);
        if (index !== -1) idle.splice(index, 1);
        if (connection.scheduledAt !== null) {
          inFlight -= 1;
          if (connection.scheduledAt >= measureFrom) count(errors, "closed mid-request");
        }
        if (!isStopped) open().then(release, () => count(errors, "reconnect failed"));
      });
    });
  }

  for (const connection of await Promise.all(Array.from({ length: options.connections }, open))) idle.push(connection);
  const startedAt = performance.now();
  measureFrom = startedAt + options.warmupSeconds * 1000;
  const endAt = measureFrom + options.seconds * 1000;
  let sent = 0;
  let schedulerLagMs = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      const dueUntil = Math.min(now, endAt);
      // Every request whose time has come, even when the timer fired late.
      while (startedAt + sent * intervalMs <= dueUntil) {
        const at = startedAt + sent * intervalMs;
        sent += 1;
        schedulerLagMs = Math.max(schedulerLagMs, now - at);
        const connection = idle.pop();
        if (connection) send(connection, at);
        else backlog.push(at);
      }
      if (now >= endAt) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const drainUntil = performance.now() + drainMs;
  while ((inFlight > 0 || backlogHead < backlog.length) && performance.now() < drainUntil) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  isStopped = true;
  const unanswered = inFlight + backlog.length - backlogHead;
  if (unanswered > 0) errors.set(`unanswered ${drainMs / 1000} s after the run`, unanswered);
  for (const connection of connections) connection.socket.destroy();
  return summarise(latencies, statuses, errors, { rate: options.rate, seconds: options.seconds, schedulerLagMs });
}

process.on("message", (message: { type: string } & FixedRateRun) => {
  if (message.type !== "run") return;
  run(message).then(
    (result) => process.send?.({ type: "result", ...result }),
    (error: unknown) =>
      process.send?.({ type: "failed", message: error instanceof Error ? error.message : String(error) }),
  );
});
process.once("disconnect", () => process.exit(0));
process.send?.({ type: "ready" });

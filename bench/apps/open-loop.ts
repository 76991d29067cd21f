// An open-loop load in its own process: one GET every LOAD_INTERVAL_MS to the edge with the
// given Host, over a keep-alive agent, whether or not earlier requests have answered (a slow
// or failing platform does not slow the load down, as it would with a fixed set of
// connections). The parent opens and closes measurement windows over IPC:
// {type: "start"} → requests flow; {type: "stop"} → no new requests, the ones in flight end,
// then {type: "window", ...} with what was seen.
import { Agent, request } from "node:http";
import { percentile } from "../lib/stats.ts";

const edge = new URL(process.env.LOAD_EDGE_URL ?? "");
const host = process.env.LOAD_HOST ?? "";
const path = process.env.LOAD_PATH ?? "/";
const intervalMs = Number(process.env.LOAD_INTERVAL_MS ?? 5);
/** A request not answered by then counts as an error. */
const timeoutMs = 10_000;
if (!edge.port || !host) throw new Error("LOAD_EDGE_URL and LOAD_HOST are required");

/** One request: when it was sent (epoch ms), its status (0: no answer), how long to the last byte. */
type Sample = { at: number; status: number; ms: number; body: string; error?: string };

export type WindowSummary = {
  type: "window";
  /** Epoch ms of the window's first request and of its end. */
  startedAt: number;
  endedAt: number;
  sent: number;
  ok: number;
  /** Answers outside 2xx, by status. */
  non2xx: Record<string, number>;
  errors: Record<string, number>;
  /** The first failures: when, what. */
  failures: { at: number; status: number; error?: string }[];
  p50: number;
  p99: number;
  max: number;
  /** How late the load generator sent its most delayed request against the schedule. */
  maxSendLagMs: number;
  /** Successful answers by body (the app answers its APP_VERSION), and when the first was sent. */
  bodies: Record<string, { count: number; firstAt: number }>;
  /** The requests at or above p99: when sent, how long. */
  slowest: { at: number; ms: number }[];
};

const agent = new Agent({ keepAlive: true, keepAliveMsecs: 1000, maxSockets: Number.POSITIVE_INFINITY });
let samples: Sample[] = [];
let inflight = 0;
let sent = 0;
let startedAt = 0;
let maxSendLagMs = 0;
let timer: NodeJS.Timeout | null = null;
let whenIdle: (() => void) | null = null;

function send(): void {
  const at = Date.now();
  const t0 = performance.now();
  inflight += 1;
  let isDone = false;
  const done = (status: number, body: string, error?: string) => {
    if (isDone) return;
    isDone = true;
    samples.push({ at, status, ms: performance.now() - t0, body, ...(error ? { error } : {}) });
    inflight -= 1;
    if (inflight === 0) whenIdle?.();
  };
  const req = request(
    { host: "127.0.0.1", port: edge.port, path, headers: { host }, agent, timeout: timeoutMs },
    (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => done(res.statusCode ?? 0, body));
      res.on("error", (error) => done(0, body, error.message));
    },
  );
  req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
  req.on("error", (error: NodeJS.ErrnoException) => done(0, "", error.code ?? error.message));
  req.end();
}

/** Sends every request that is due by now: the schedule holds even when a timer fires late. */
function tick(): void {
  const now = performance.now();
  const due = Math.floor((now - startedAt) / intervalMs) + 1;
  while (sent < due) {
    maxSendLagMs = Math.max(maxSendLagMs, now - (startedAt + sent * intervalMs));
    sent += 1;
    send();
  }
}

function summarise(windowStart: number): WindowSummary {
  const latencies = samples.map((s) => s.ms).sort((a, b) => a - b);
  const non2xx: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const bodies: WindowSummary["bodies"] = {};
  const failures: WindowSummary["failures"] = [];
  let ok = 0;
  for (const s of samples) {
    if (s.status >= 200 && s.status < 300) {
      ok += 1;
      const seen = bodies[s.body];
      if (seen) {
        seen.count += 1;
        seen.firstAt = Math.min(seen.firstAt, s.at);
      } else bodies[s.body] = { count: 1, firstAt: s.at };
      continue;
    }
    if (s.status === 0) errors[s.error ?? "unknown"] = (errors[s.error ?? "unknown"] ?? 0) + 1;
    else non2xx[s.status] = (non2xx[s.status] ?? 0) + 1;
    if (failures.length < 100) failures.push({ at: s.at, status: s.status, ...(s.error ? { error: s.error } : {}) });
  }
  const round = (n: number) => Math.round(n * 100) / 100;
  const p99 = percentile(latencies, 99);
  return {
    type: "window",
    startedAt: windowStart,
    endedAt: Date.now(),
    sent,
    ok,
    non2xx,
    errors,
    failures,
    p50: round(percentile(latencies, 50)),
    p99: round(p99),
    max: round(latencies.at(-1) ?? Number.NaN),
    maxSendLagMs: round(maxSendLagMs),
    bodies,
    slowest: samples.filter((x) => x.ms >= p99).map((x) => ({ at: x.at, ms: round(x.ms) })),
  };
}

let windowStart = 0;
process.on("message", (message: { type: "start" | "stop" }) => {
  if (message.type === "start" && timer === null) {
    samples = [];
    sent = 0;
    maxSendLagMs = 0;
    windowStart = Date.now();
    startedAt = performance.now();
    tick();
    timer = setInterval(tick, 1);
  } else if (message.type === "stop" && timer !== null) {
    clearInterval(timer);
    timer = null;
    const report = () => {
      whenIdle = null;
      process.send?.(summarise(windowStart));
    };
    if (inflight === 0) report();
    else whenIdle = report;
  }
});
process.once("disconnect", () => process.exit(0));
process.once("SIGTERM", () => process.exit(0));
process.send?.({ type: "ready" });

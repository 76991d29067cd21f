// A fixed-rate open-loop load generator (fixed-rate-target.ts) in its own process, so that it
// never shares an event loop or a V8 heap with what it measures.
import type { ChildProcess } from "node:child_process";
import { startTarget } from "./proc.ts";
import { percentile } from "./stats.ts";

export type FixedRateRun = {
  /** Where to connect: http://127.0.0.1:<port>. */
  url: string;
  /** The Host header (a platform host at the edge). */
  host: string;
  path: string;
  /** Requests per second, spread evenly. */
  rate: number;
  /** Keep-alive connections opened before the run; a request waits for a free one (and the wait counts). */
  connections: number;
  /** At the rate, not counted. */
  warmupSeconds: number;
  seconds: number;
};

export type FixedRateResult = {
  rate: number;
  /** Answers counted (scheduled after the warm-up). */
  answered: number;
  /** Answered per second of the measured window. */
  achievedRps: number;
  /** ms from each request's scheduled send time to its whole answer. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Answers outside 2xx by status, and socket errors by code. */
  non2xx: Record<string, number>;
  errors: Record<string, number>;
  /** How late the generator's own timer ran at worst (included in the latencies). */
  schedulerLagMs: number;
};

export function summarise(
  latencies: number[],
  statuses: Map<number, number>,
  errors: Map<string, number>,
  run: { rate: number; seconds: number; schedulerLagMs: number },
): FixedRateResult {
  const sorted = latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  const non2xx: Record<string, number> = {};
  for (const [status, n] of statuses) if (status < 200 || status >= 300) non2xx[status] = n;
  return {
    rate: run.rate,
    answered: sorted.length,
    achievedRps: Math.round(sorted.length / run.seconds),
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    p999: round(percentile(sorted, 99.9)),
    max: round(sorted.at(-1) ?? Number.NaN),
    non2xx,
    errors: Object.fromEntries(errors),
    schedulerLagMs: round(run.schedulerLagMs),
  };
}

/** Failed runs: anything but 2xx, and socket errors. */
export function failuresOf(r: FixedRateResult): number {
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  return sum(r.non2xx) + sum(r.errors);
}

export type FixedRateLoad = { run(options: FixedRateRun): Promise<FixedRateResult>; close(): Promise<void> };

export async function startFixedRateLoad(): Promise<FixedRateLoad> {
  const target = await startTarget("bench/lib/fixed-rate-target.ts", {});
  const child: ChildProcess = target.child;
  return {
    run: (options) =>
      new Promise((resolve, reject) => {
        const onMessage = (message: { type: string; message?: string } & FixedRateResult) => {
          if (message.type !== "result" && message.type !== "failed") return;
          child.off("message", onMessage);
          if (message.type === "failed") reject(new Error(`fixed-rate load: ${message.message}`));
          else resolve(message);
        };
        child.on("message", onMessage);
        child.send({ type: "run", ...options });
      }),
    close: target.stop,
  };
}

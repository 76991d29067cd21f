// Async invocations on a real platform (in this process; PGlite, or BENCH_FUNCTION_STORE). Enqueue: the time to the
// 202 of POST …/invoke {async: true} (the API) and of `X-Slipway-Invocation: async` (the edge),
// against a round trip on the same road that queues nothing (GET the function; the edge's 404
// for a host it does not route), the two taking turns, one at a time and 50 at once. Retries: a
// function that always fails, its async retries 2 and retryDelaySeconds 1; the time from each
// attempt's end to the next one's (their queue jobs' finished_at) against the delay
// the settings give (retryDelaySeconds × 2^(n-1) × the platform's retry delay scale).

import { setTimeout as sleep } from "node:timers/promises";
import { defaultFunctionSettings } from "@slipway/contracts";
import { eq, inArray } from "drizzle-orm";
import { invokeAsyncJobName } from "../packages/server/src/features/functions/function-async.ts";
import { functionInvocations } from "../packages/server/src/features/functions/functions.tables.ts";
import { jobs } from "../packages/server/src/platform/platform.tables.ts";
import {
  callAtEdge,
  createNodeFunction,
  expectHello,
  type FunctionPlatform,
  helloHandlerSource,
  inParallel,
  startFunctionPlatform,
} from "./functions/function-platform.ts";
import { type Benchmark, type BenchResult, type Comparison, compare } from "./lib/report.ts";
import { settings } from "./lib/settings.ts";
import { median, percentile } from "./lib/stats.ts";

const requests = Number(process.env.BENCH_FUNCTION_ASYNC_N ?? 500);
const concurrency = 50;
const retryRuns = Number(process.env.BENCH_FUNCTION_RETRY_RUNS ?? 3);
/** The platform's factor on retry delays; 1 is the production schedule. */
const retryScale = Number(process.env.BENCH_FUNCTION_RETRY_SCALE ?? 1);
const retrySettings = { ...defaultFunctionSettings.async, retries: 2, retryDelaySeconds: 1 };

/** One request of a road, resolved once answered with the status it must have. */
type Road = { name: string; baselineLabel: string; enqueue: () => Promise<void>; baseline: () => Promise<void> };

function expectStatus(what: string, status: number, expected: number, body: unknown) {
  if (status !== expected)
    throw new Error(`${what}: ${status}, not ${expected}: ${JSON.stringify(body).slice(0, 300)}`);
}

async function timed(task: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}

/** `requests` of each kind, taking turns one at a time, then in chunks of 100 at `concurrency` in flight. */
async function measureRoad(road: Road) {
  const runs = {
    sequential: { enqueue: [] as number[], baseline: [] as number[] },
    concurrent: { enqueue: [] as number[], baseline: [] as number[] },
  };
  for (let i = 0; i < 20; i++) {
    await road.enqueue();
    await road.baseline();
  }
  for (let i = 0; i < requests; i++) {
    // Alternating which goes first, so that neither always follows the other.
    const order = i % 2 === 0 ? (["enqueue", "baseline"] as const) : (["baseline", "enqueue"] as const);
    for (const kind of order) runs.sequential[kind].push(await timed(road[kind]));
  }
  const chunk = Math.min(100, requests);
  for (let done = 0; done < requests; done += chunk) {
    for (const kind of ["enqueue", "baseline"] as const) {
      const items = Array.from({ length: Math.min(chunk, requests - done) });
      runs.concurrent[kind].push(...(await inParallel(items, concurrency, () => timed(road[kind]))));
    }
  }
  return runs;
}

/** Polls the rows of async invocations until none is queued or running any more; their final states. */
async function waitSettled(fp: FunctionPlatform, ids: string[], timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const rows = await fp.platform.db
      .select({
        id: functionInvocations.id,
        status: functionInvocations.status,
        attempts: functionInvocations.attempts,
      })
      .from(functionInvocations)
      .where(inArray(functionInvocations.id, ids));
    if (rows.every((row) => row.status !== "queued" && row.status !== "running")) return rows;
    if (performance.now() > deadline) throw new Error(`the failing invocations did not end within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * Each attempt is one queue job (a retry is a new job with run_at = its failure + the delay):
 * per invocation, its jobs oldest first, with when each was queued, due and done.
 */
async function attemptJobs(fp: FunctionPlatform, ids: string[]) {
  const rows = await fp.platform.db
    .select({ payload: jobs.payload, createdAt: jobs.createdAt, runAt: jobs.runAt, finishedAt: jobs.finishedAt })
    .from(jobs)
    .where(eq(jobs.name, invokeAsyncJobName))
    .orderBy(jobs.createdAt);
  const byInvocation = new Map<string, { queuedAt: number; dueAt: number; doneAt: number }[]>();
  for (const row of rows) {
    const id = (row.payload as { invocationId?: string }).invocationId ?? "";
    if (!ids.includes(id)) continue;
    const job = {
      queuedAt: row.createdAt.getTime(),
      dueAt: row.runAt.getTime(),
      doneAt: row.finishedAt?.getTime() ?? 0,
    };
    byInvocation.set(id, [...(byInvocation.get(id) ?? []), job]);
  }
  return byInvocation;
}

async function measureRetries(fp: FunctionPlatform, functionId: string) {
  const ids: string[] = [];
  for (let i = 0; i < retryRuns; i++) {
    const res = await fp.user.call("POST", fp.api(`/functions/${functionId}/invoke`), { async: true });
    expectStatus("async invoke of the failing function", res.status, 202, res.body);
    ids.push(res.body.invocation.id);
  }
  const configured = Array.from(
    { length: retrySettings.retries },
    (_, n) => retrySettings.retryDelaySeconds * 2 ** n * 1000 * retryScale,
  );
  const settled = await waitSettled(fp, ids, configured.reduce((a, b) => a + b, 0) + 60_000);
  for (const row of settled) {
    if (row.status !== "dead" || row.attempts !== retrySettings.retries + 1) {
      throw new Error(`invocation ${row.id} ended ${row.status} after ${row.attempts} attempts`);
    }
  }
  const attempts = await attemptJobs(fp, ids);
  /** Attempt n's end to attempt n+1's end: the delay, the queue's pick-up and the attempt itself. */
  const measured = configured.map(() => [] as number[]);
  /** What the queue was told: run_at − the job's creation, for each retry. */
  const scheduled = configured.map(() => [] as number[]);
  /** From run_at to the end of the attempt: the queue's pick-up and the attempt. */
  const late = configured.map(() => [] as number[]);
  for (const [id, list] of attempts) {
    if (list.length !== configured.length + 1) throw new Error(`invocation ${id}: ${list.length} jobs`);
    for (let n = 0; n < configured.length; n++) {
      const failed = list[n];
      const retry = list[n + 1];
      if (!failed || !retry) continue;
      measured[n]?.push(retry.doneAt - failed.doneAt);
      scheduled[n]?.push(retry.dueAt - retry.queuedAt);
      late[n]?.push(retry.doneAt - retry.dueAt);
    }
  }
  return { ids, configured, measured, scheduled, late };
}

export const functionsAsync: Benchmark = {
  name: "functions-async",
  describe: "async enqueue latency (API and edge) vs a round trip that queues nothing; retry delays vs their settings",
  async run(): Promise<BenchResult> {
    const fp = await startFunctionPlatform({ retryDelayScale: retryScale });
    try {
      const sink = await createNodeFunction(fp, "sink", helloHandlerSource);
      const fails = await createNodeFunction(
        fp,
        "fails",
        "export default () => { throw new Error('always fails'); };\n",
        {
          async: retrySettings,
        },
      );
      await expectHello(fp, sink);

      // The retries first, on an empty queue: the enqueued invocations below would stand before them.
      console.log(`functions-async: ${retryRuns} failing invocations, retries ${retrySettings.retries}…`);
      const retries = await measureRetries(fp, fails.id);

      const unrouted = `http://nothing-here.localhost:${fp.edgePort}/`;
      const roads: Road[] = [
        {
          name: "API",
          baselineLabel: "GET the function",
          enqueue: async () => {
            const res = await fp.user.call("POST", fp.api(`/functions/${sink.id}/invoke`), { async: true, body: "x" });
            expectStatus("POST …/invoke {async: true}", res.status, 202, res.body);
          },
          baseline: async () => {
            const res = await fp.user.call("GET", fp.api(`/functions/${sink.id}`));
            expectStatus("GET the function", res.status, 200, res.body);
          },
        },
        {
          name: "edge",
          baselineLabel: "edge 404, no route",
          enqueue: async () => {
            const res = await callAtEdge(fp, sink.url, {
              method: "POST",
              headers: { "x-slipway-invocation": "async" },
              body: "x",
            });
            expectStatus("X-Slipway-Invocation: async", res.status, 202, res.text);
          },
          baseline: async () => {
            const res = await callAtEdge(fp, unrouted);
            expectStatus("an unrouted host", res.status, 404, res.text);
          },
        },
      ];
      const comparisons: Comparison[] = [];
      const notes: string[] = [];
      const details: Record<string, unknown> = { requests, concurrency, retryRuns, retryScale, retries };
      for (const road of roads) {
        console.log(
          `functions-async: ${road.name} enqueue, ${requests} one at a time and ${requests} ${concurrency} at once…`,
        );
        const runs = await measureRoad(road);
        details[road.name] = runs;
        for (const mode of ["sequential", "concurrent"] as const) {
          const enqueue = [...runs[mode].enqueue].sort((a, b) => a - b);
          const baseline = [...runs[mode].baseline].sort((a, b) => a - b);
          const label = mode === "sequential" ? "one at a time" : `${concurrency} at once`;
          comparisons.push(
            compare({
              metric: `enqueue p99, ${road.name}, ${label}`,
              unit: "ms",
              value: percentile(enqueue, 99),
              baseline: percentile(baseline, 99),
              baselineLabel: road.baselineLabel,
            }),
          );
          notes.push(
            `${road.name}, ${label}: enqueue p50 ${percentile(enqueue, 50).toFixed(2)} ms, p99 ${percentile(enqueue, 99).toFixed(2)} ms; ${road.baselineLabel} p50 ${percentile(baseline, 50).toFixed(2)} ms, p99 ${percentile(baseline, 99).toFixed(2)} ms (${enqueue.length} each)`,
          );
        }
      }
      retries.configured.forEach((configuredMs, n) => {
        comparisons.push(
          compare({
            metric: `retry ${n + 1}: attempt to attempt`,
            unit: "ms",
            value: median(retries.measured[n] ?? []),
            baseline: configuredMs,
            baselineLabel: "configured delay",
          }),
        );
        notes.push(
          `retry ${n + 1}: configured ${configuredMs} ms (run_at set ${(retries.scheduled[n] ?? []).map((ms) => ms.toFixed(0)).join(", ")} ms after the job's creation); measured ${(retries.measured[n] ?? []).map((ms) => ms.toFixed(0)).join(", ")} ms; from run_at to the attempt's end ${(retries.late[n] ?? []).map((ms) => ms.toFixed(0)).join(", ")} ms`,
        );
      });
      return {
        name: "functions-async",
        comparisons,
        notes: [
          `store: ${settings.functionStore}; enqueue: ${requests} requests of each kind one at a time (the two kinds alternating), then ${requests} of each ${concurrency} at once in chunks of 100 taking turns, after 20 of each to warm up; the API with a session cookie (fetch, keep-alive), the edge over node:http keep-alive; the queued invocations of the "sink" function run meanwhile (they share the platform's CPU with both kinds)`,
          ...notes,
          `retries: ${retryRuns} invocations of a function that always throws, async ${JSON.stringify({ retries: retrySettings.retries, retryDelaySeconds: retrySettings.retryDelaySeconds })}, platform retry delay scale ${retryScale}; each figure the median over the invocations of the time from one attempt's end to the next one's (each attempt is a queue job: its finished_at), so it holds the delay, the queue's pick-up of the due job and the attempt itself (a warm throw: milliseconds); the queue looks for due jobs every 500 ms unless woken`,
        ],
        details,
      };
    } finally {
      await fp.platform.destroy();
    }
  },
};

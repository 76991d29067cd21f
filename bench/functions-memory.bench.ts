// Memory of deployed, idle functions: BENCH_FUNCTION_COUNT Node functions created through the
// API (one source), each invoked once through the edge so that it has a warm instance, then
// left idle until every instance is frozen (SIGSTOP after freezeAfterMs). Their resident memory
// (PSS: shared pages counted once across processes) is summed over every process of each
// instance's sandbox, plus the pool of blank runtimes, against a bare idle `node` process × the
// count, measured at the same moment. Then again once the idle time has stopped the instances.
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type BenchFunction,
  callAtEdge,
  createNodeFunction,
  expectHello,
  type FunctionPlatform,
  helloHandlerSource,
  inParallel,
  startFunctionPlatform,
} from "./functions/function-platform.ts";
import { childOf, memoryKiB, readProcessTable, subtree } from "./lib/memory.ts";
import { stopProcess } from "./lib/proc.ts";
import { type Benchmark, type BenchResult, compare } from "./lib/report.ts";
import { median } from "./lib/stats.ts";

const count = Number(process.env.BENCH_FUNCTION_COUNT ?? 100);
/** How long a warm instance waits before it is stopped: longer than invoking them all takes. */
const idleStopSeconds = Number(process.env.BENCH_FUNCTION_IDLE_STOP_SECONDS ?? 45);
const freezeAfterMs = 300;
/** Frozen functions invoked again after the measurement. */
const thawChecks = 10;
/** API calls and first invocations in flight at once. */
const parallel = 4;
const mb = (kib: number) => (kib * 1024) / 1e6;

type Sandboxes = {
  /** Instances with a function loaded (warm, frozen or not), and blank ones in the pool. */
  warm: number;
  blank: number;
  frozen: number;
  /** Summed over every process of their sandboxes, in KiB. */
  warmKiB: { pss: number; rss: number };
  blankKiB: { pss: number; rss: number };
  processes: number;
  /** Instances whose sandbox was not found among this process's children. */
  unmatched: number;
};

/** The memory of every function instance now, from the runtime's own list (hostPid: its runtime process). */
function measureInstances(fp: FunctionPlatform): Sandboxes {
  const table = readProcessTable();
  const result: Sandboxes = {
    warm: 0,
    blank: 0,
    frozen: 0,
    warmKiB: { pss: 0, rss: 0 },
    blankKiB: { pss: 0, rss: 0 },
    processes: 0,
    unmatched: 0,
  };
  for (const instance of fp.platform.functionGateway.runtime.instances()) {
    const sandboxRoot = instance.hostPid === null ? null : childOf(process.pid, instance.hostPid, table);
    if (sandboxRoot === null) {
      result.unmatched += 1;
      continue;
    }
    const isWarm = instance.key !== null;
    const sum = isWarm ? result.warmKiB : result.blankKiB;
    for (const pid of subtree(sandboxRoot, table)) {
      const used = memoryKiB(pid);
      sum.pss += used.pss;
      sum.rss += used.rss;
      result.processes += 1;
    }
    if (isWarm) result.warm += 1;
    else result.blank += 1;
    if (instance.isFrozen) result.frozen += 1;
  }
  return result;
}

/** A bare idle node process's memory (median of three started together), in KiB. */
async function bareNodeKiB(): Promise<{ pss: number; rss: number }> {
  const children = Array.from({ length: 3 }, () =>
    spawn(process.execPath, ["-e", "setInterval(() => {}, 1e9)"], { stdio: "ignore" }),
  );
  try {
    await sleep(1500);
    const used = children.map((child) => memoryKiB(child.pid ?? 0));
    return { pss: median(used.map((u) => u.pss)), rss: median(used.map((u) => u.rss)) };
  } finally {
    await Promise.all(children.map((child) => stopProcess(child)));
  }
}

async function waitUntil(what: string, timeoutMs: number, isDone: () => boolean): Promise<number> {
  const started = performance.now();
  while (!isDone()) {
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await sleep(100);
  }
  return performance.now() - started;
}

export const functionsMemory: Benchmark = {
  name: "functions-memory",
  describe: `memory of ${count} deployed idle Node functions (frozen, then stopped) vs a bare idle node × ${count}`,
  async run(): Promise<BenchResult> {
    const fp = await startFunctionPlatform({ freezeAfterMs, idleStopMs: idleStopSeconds * 1000 });
    try {
      const runtime = fp.platform.functionGateway.runtime;
      console.log(`functions-memory: creating ${count} functions…`);
      let started = performance.now();
      const names = Array.from({ length: count }, (_, i) => `idle-${i}`);
      const fns: BenchFunction[] = await inParallel(names, parallel, (name) =>
        createNodeFunction(fp, name, helloHandlerSource),
      );
      const createMs = performance.now() - started;
      console.log(`functions-memory: invoking each once…`);
      started = performance.now();
      const invokedAt: number[] = [];
      await inParallel(fns, parallel, async (fn, i) => {
        await expectHello(fp, fn);
        invokedAt[i] = performance.now();
      });
      const invokeMs = performance.now() - started;
      const frozenWaitMs = await waitUntil("every instance frozen", 30_000, () =>
        runtime.instances().every((i) => i.key === null || i.isFrozen),
      );
      const frozen = measureInstances(fp);
      const bare = await bareNodeKiB();
      const platformKiB = memoryKiB(process.pid);
      if (frozen.warm < count) {
        console.log(
          `functions-memory: only ${frozen.warm} of ${count} instances were up (raise BENCH_FUNCTION_IDLE_STOP_SECONDS)`,
        );
      }
      // Thawing: functions invoked a while ago (frozen for seconds) asked again. An instance
      // frozen for longer than its host's keep-alive timeout can lose this request (502, the
      // instance replaced): counted, not failed.
      const first = Math.floor(count / 4);
      const thawed = fns.slice(first, first + thawChecks);
      const frozenForMs = performance.now() - Math.max(...invokedAt.slice(first, first + thawChecks)) - freezeAfterMs;
      const thawStatuses: Record<string, number> = {};
      for (const fn of thawed) {
        const { status } = await callAtEdge(fp, fn.url);
        thawStatuses[status] = (thawStatuses[status] ?? 0) + 1;
      }

      console.log(`functions-memory: waiting for the idle stop (${idleStopSeconds} s)…`);
      const stopWaitMs = await waitUntil("every instance stopped", idleStopSeconds * 1000 + 30_000, () =>
        runtime.instances().every((i) => i.key === null),
      );
      await sleep(500);
      const stopped = measureInstances(fp);
      const bareKiB = { pss: bare.pss * count, rss: bare.rss * count };
      const perFunction = frozen.warm > 0 ? frozen.warmKiB.pss / frozen.warm : Number.NaN;
      // All `count` when all were up; else what those up took each, × count.
      const total = perFunction * count + frozen.blankKiB.pss;
      const label = { unit: "MB", baselineLabel: `bare node × ${count}` };
      return {
        name: "functions-memory",
        comparisons: [
          compare({
            metric: `${count} idle functions, frozen, + pool (PSS)`,
            value: mb(total),
            baseline: mb(bareKiB.pss),
            ...label,
          }),
          compare({
            metric: "per idle function, frozen (PSS)",
            unit: "MB",
            value: mb(perFunction),
            baseline: mb(bare.pss),
            baselineLabel: "bare idle node",
          }),
          compare({
            metric: `${count} functions after the idle stop: pool only (PSS)`,
            value: mb(stopped.warmKiB.pss + stopped.blankKiB.pss),
            baseline: mb(bareKiB.pss),
            ...label,
          }),
        ],
        notes: [
          `the issue aims at < 1 GB for ${count} deployed idle functions: ${(mb(total) / 1000).toFixed(2)} GB frozen (${frozen.warm} warm instances measured${frozen.warm < count ? `, × ${count}/${frozen.warm}: the idle stop came before the last cold start` : ""}, ${frozen.frozen} frozen; ${frozen.blank} blank in the pool: ${mb(frozen.blankKiB.pss).toFixed(0)} MB), ${(mb(stopped.warmKiB.pss + stopped.blankKiB.pss) / 1000).toFixed(2)} GB once stopped (${stopped.warm} warm, ${stopped.blank} blank)`,
          `each instance: every process of its sandbox (bwrap's two and the runtime), ${frozen.processes} processes in all; PSS from /proc/<pid>/smaps_rollup (a page shared by n processes counts 1/n in each); RSS for comparison: ${mb(frozen.warmKiB.rss + frozen.blankKiB.rss).toFixed(0)} MB frozen, bare node ${mb(bare.rss).toFixed(1)} MB each${frozen.unmatched > 0 ? `; ${frozen.unmatched} instance(s) not found` : ""}`,
          `thawed: ${thawed.length} functions frozen for ${(frozenForMs / 1000).toFixed(0)} s or more, invoked again after the measurement, answered ${Object.entries(
            thawStatuses,
          )
            .map(([status, n]) => `${status} × ${n}`)
            .join(
              ", ",
            )} (a 502 is the runtime losing the request to an instance that was frozen longer than its host's keep-alive timeout)`,
          `baseline: \`node -e 'setInterval(() => {}, 1e9)'\` (median of 3 started together, read after 1.5 s, while the instances were up: the same sharing of node's own pages), × ${count}`,
          `timeline: ${count} functions created through the API in ${(createMs / 1000).toFixed(1)} s (${parallel} at a time, each packaged: node --check in the sandbox), invoked once each through the edge in ${(invokeMs / 1000).toFixed(1)} s (cold starts, ${parallel} at a time), all frozen ${(frozenWaitMs / 1000).toFixed(1)} s later (freezeAfterMs ${freezeAfterMs}), stopped ${(stopWaitMs / 1000).toFixed(1)} s after the measurement (idle stop ${idleStopSeconds} s); the platform process itself: PSS ${mb(platformKiB.pss).toFixed(0)} MB, not counted`,
        ],
        details: {
          count,
          frozen,
          stopped,
          bare,
          platformKiB,
          createMs,
          invokeMs,
          thawStatuses,
          frozenForMs,
          frozenWaitMs,
          stopWaitMs,
        },
      };
    } finally {
      await fp.platform.destroy();
    }
  },
};

// Cold starts of a Node function in the sandbox, against `node -e ''` (a bare Node process
// starting and exiting, no sandbox): from the pool of pre-started runtimes (load the code into
// a blank instance and answer), and from nothing (a new sandboxed runtime, then the same). Warm
// invocations for scale. Medians of BENCH_FUNCTION_RUNS.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFunctionRuntime } from "../packages/server/src/engines/functions/function-runtime.ts";
import { createSandbox } from "../packages/server/src/engines/sandbox/sandbox.ts";
import { createLogger } from "../packages/server/src/platform/logger.ts";
import { type Benchmark, type BenchResult, compare } from "./lib/report.ts";
import { median } from "./lib/spawn-timed.ts";

const runs = Number(process.env.BENCH_FUNCTION_RUNS ?? 10);
const limits = { memoryMb: 256, cpus: 1, pids: 64 };
const source = "export default (request) => new Response('hello ' + new URL(request.url).pathname);";

function bareNodeMs(): number {
  const started = performance.now();
  execFileSync(process.execPath, ["-e", ""]);
  return performance.now() - started;
}

export const functionsBench: Benchmark = {
  name: "functions-cold",
  describe: "Node function cold start from the pre-started pool and from nothing vs `node -e ''`",
  async run(): Promise<BenchResult> {
    const root = mkdtempSync(join(tmpdir(), "slipway-bench-fn-"));
    chmodSync(root, 0o711);
    const logger = createLogger("warn");
    const sandbox = createSandbox({ logger, workRoot: join(root, "work") });
    const pooled = createFunctionRuntime({
      sandbox,
      logger,
      slotsDir: join(root, "slots"),
      pool: { size: 2, limits, runtimes: ["node"] },
    });
    const unpooled = createFunctionRuntime({
      sandbox,
      logger,
      slotsDir: join(root, "slots"),
      pool: { size: 0, limits, runtimes: ["node"] },
    });
    try {
      const codeDir = join(root, "code");
      mkdirSync(codeDir, { mode: 0o755 });
      writeFileSync(join(codeDir, "index.mjs"), source);
      const code = (key: string) => ({
        runtime: "node" as const,
        key,
        codeDir,
        entry: "index.mjs",
        env: {},
        limits,
        timeoutMs: 5_000,
      });
      const request = { method: "GET", path: "/bench", headers: {} };
      await pooled.start();
      const bare: number[] = [];
      const fromPool: number[] = [];
      const fromNothing: number[] = [];
      const warm: number[] = [];
      for (let i = 0; i < runs; i++) {
        console.log(`functions-cold: run ${i + 1}/${runs}…`);
        bare.push(bareNodeMs());
        await pooled.start(); // the pool refilled: this cold start takes a pre-started runtime
        let started = performance.now();
        const cold = await pooled.invoke(code(`pool-${i}`), request);
        fromPool.push(performance.now() - started);
        if (!cold.isCold || cold.status !== 200) throw new Error(`a pooled cold start answered ${cold.status}`);
        started = performance.now();
        await pooled.invoke(code(`pool-${i}`), request);
        warm.push(performance.now() - started);
        started = performance.now();
        const fresh = await unpooled.invoke(code(`fresh-${i}`), request);
        fromNothing.push(performance.now() - started);
        if (fresh.status !== 200) throw new Error(`a cold start from nothing answered ${fresh.status}`);
      }
      const baseline = median(bare);
      const label = { baselineLabel: "node -e ''", unit: "ms", baseline };
      return {
        name: "functions-cold",
        comparisons: [
          compare({ metric: "cold start, pre-started pool", value: median(fromPool), ...label }),
          compare({ metric: "cold start, new sandboxed runtime", value: median(fromNothing), ...label }),
          compare({ metric: "warm invocation", value: median(warm), ...label }),
        ],
        notes: [
          "each figure: from the call to the function's whole answer, including loading its code (cold); the issue aims at 0.15× for the pool and 1.15× from nothing",
          `pool ${fromPool.map((n) => n.toFixed(1)).join(", ")} ms; from nothing ${fromNothing.map((n) => n.toFixed(0)).join(", ")} ms; node -e '' ${bare.map((n) => n.toFixed(0)).join(", ")} ms`,
        ],
        details: { bare, fromPool, fromNothing, warm },
      };
    } finally {
      await pooled.stop();
      await unpooled.stop();
      rmSync(root, { recursive: true, force: true });
    }
  },
};

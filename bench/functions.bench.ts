// Cold starts of a function in the sandbox, per runtime (BENCH_FUNCTION_RUNTIMES, default node),
// against that language starting bare, no sandbox: `node -e ''`, `python3 -c ''`, `ruby -e ''`
// (the interpreter the sandbox runs, found on its PATH); for Go, the function's own compiled
// binary started bare to its first answer. Cold from the pool of pre-started runtimes (load the
// code into a blank instance and answer; Go has none: its binary is the function), and from
// nothing (a new sandboxed runtime, then the same). Warm invocations for scale. The code is
// packaged as a deploy packages it (Go compiled with the host in). Medians of BENCH_FUNCTION_RUNS.
import { execFileSync, spawn } from "node:child_process";
import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { functionTemplates } from "@slipway/contracts";
import { packageFunction } from "../packages/server/src/engines/functions/function-packager.ts";
import {
  createFunctionRuntime,
  type FunctionCode,
  type FunctionRuntimeName,
  functionRuntimeNames,
  functionRuntimes,
} from "../packages/server/src/engines/functions/function-runtime.ts";
import { answersTcp } from "../packages/server/src/engines/runtime/health-probe.ts";
import { defaultSandboxPath } from "../packages/server/src/engines/sandbox/bwrap-arguments.ts";
import { createSandbox } from "../packages/server/src/engines/sandbox/sandbox.ts";
import { createLogger } from "../packages/server/src/platform/logger.ts";
import { helloHandlerSource } from "./functions/function-platform.ts";
import { freePort, stopProcess } from "./lib/proc.ts";
import { type Benchmark, type BenchResult, type Comparison, compare } from "./lib/report.ts";
import { median } from "./lib/stats.ts";

const runs = Number(process.env.BENCH_FUNCTION_RUNS ?? 10);
const selected = (process.env.BENCH_FUNCTION_RUNTIMES ?? "node")
  .split(",")
  .map((name) => name.trim())
  .filter(Boolean);
const limits = { memoryMb: 256, cpus: 1, pids: 64 };
/** Go's build cache (the standard library compiled once, half a minute) is kept between runs, as a platform keeps it. */
const goCacheDir = join(tmpdir(), "slipway-bench-function-cache");

/** The function each runtime runs: the Node handler the other function benchmarks use; the templates for the rest. */
function sourceOf(runtime: FunctionRuntimeName): { entry: string; files: Record<string, string> } {
  return runtime === "node"
    ? { entry: "index.mjs", files: { "index.mjs": helloHandlerSource } }
    : functionTemplates[runtime];
}

/** The command the sandbox runs for an interpreter, as found on its PATH. */
function sandboxCommand(name: string): string {
  for (const dir of defaultSandboxPath.split(":")) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  throw new Error(`${name} is not installed (looked in ${defaultSandboxPath})`);
}

function timeCommand(command: string, args: string[]): number {
  const started = performance.now();
  execFileSync(command, args);
  return performance.now() - started;
}

/** The compiled Go function started bare (no sandbox): ms to the answer of its first request. */
async function bareBinaryMs(binary: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(binary, [], { env: { PORT: String(port) }, stdio: "ignore" });
  try {
    while (!(await answersTcp(port))) {
      if (child.exitCode !== null) throw new Error(`${binary} exited with ${child.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const res = await fetch(`http://127.0.0.1:${port}/bench`);
    await res.arrayBuffer();
    return performance.now() - started;
  } finally {
    await stopProcess(child);
  }
}

/** How each runtime starts bare: its baseline. */
function bareStart(runtime: FunctionRuntimeName, code: FunctionCode): { label: string; ms: () => Promise<number> } {
  const interpreters = {
    node: { label: "node -e ''", command: process.execPath, args: ["-e", ""] },
    python: { label: "python3 -c ''", command: sandboxCommand("python3"), args: ["-c", ""] },
    ruby: { label: "ruby -e ''", command: sandboxCommand("ruby"), args: ["-e", ""] },
  };
  if (runtime === "go") return { label: "the Go binary bare", ms: () => bareBinaryMs(join(code.codeDir, code.entry)) };
  const { label, command, args } = interpreters[runtime];
  return { label, ms: async () => timeCommand(command, args) };
}

/** poolInit/poolRun: of a pooled cold start, the host loading the code (initMs) and the invocation itself (durationMs). */
type Figures = {
  bare: number[];
  fromPool: number[];
  poolInit: number[];
  poolRun: number[];
  fromNothing: number[];
  warm: number[];
};

export const functionsBench: Benchmark = {
  name: "functions-cold",
  describe: "function cold start from the pre-started pool and from nothing vs the language starting bare",
  async run(): Promise<BenchResult> {
    const unknown = selected.filter((name) => !(functionRuntimeNames as readonly string[]).includes(name));
    if (unknown.length > 0) throw new Error(`BENCH_FUNCTION_RUNTIMES: unknown ${unknown.join(", ")}`);
    const runtimes = selected as FunctionRuntimeName[];
    const root = mkdtempSync(join(tmpdir(), "slipway-bench-fn-"));
    chmodSync(root, 0o711);
    mkdirSync(goCacheDir, { recursive: true });
    const logger = createLogger("warn");
    const sandbox = createSandbox({ logger, workRoot: join(root, "work") });
    const preStartable = runtimes.filter((name) => functionRuntimes[name].isPreStartable);
    const pooled = createFunctionRuntime({
      sandbox,
      logger,
      slotsDir: join(root, "slots"),
      pool: { size: 2, limits, runtimes: preStartable },
    });
    const unpooled = createFunctionRuntime({
      sandbox,
      logger,
      slotsDir: join(root, "slots"),
      pool: { size: 0, limits, runtimes: preStartable },
    });
    try {
      const codes = new Map<FunctionRuntimeName, (key: string) => FunctionCode>();
      for (const runtime of runtimes) {
        const source = sourceOf(runtime);
        const sourceDir = join(root, runtime, "source");
        mkdirSync(sourceDir, { recursive: true });
        for (const [file, text] of Object.entries(source.files)) writeFileSync(join(sourceDir, file), text);
        const outDir = join(root, runtime, "code");
        console.log(`functions-cold: packaging the ${runtime} function…`);
        const packaged = await packageFunction({
          sandbox,
          logger,
          runtime,
          sourceDir,
          entry: source.entry,
          outDir,
          cacheDir: goCacheDir,
        });
        if (!packaged.ok) throw new Error(`packaging the ${runtime} function: ${packaged.message}`);
        codes.set(runtime, (key) => ({
          runtime,
          key,
          codeDir: outDir,
          entry: packaged.entry,
          env: {},
          limits,
          timeoutMs: 10_000,
        }));
      }
      const request = { method: "GET", path: "/bench", headers: {} };
      await pooled.start();
      const figures = new Map<FunctionRuntimeName, Figures>(
        runtimes.map((name) => [
          name,
          { bare: [], fromPool: [], poolInit: [], poolRun: [], fromNothing: [], warm: [] },
        ]),
      );
      const baselines = new Map(
        runtimes.map((name) => [name, bareStart(name, codes.get(name)?.("bare") as FunctionCode)]),
      );
      for (let i = 0; i < runs; i++) {
        console.log(`functions-cold: run ${i + 1}/${runs}…`);
        for (const runtime of runtimes) {
          const code = codes.get(runtime);
          const f = figures.get(runtime);
          const bare = baselines.get(runtime);
          if (!code || !f || !bare) continue;
          f.bare.push(await bare.ms());
          let started: number;
          if (functionRuntimes[runtime].isPreStartable) {
            await pooled.start(); // the pool refilled: this cold start takes a pre-started runtime
            started = performance.now();
            const cold = await pooled.invoke(code(`${runtime}-pool-${i}`), request);
            f.fromPool.push(performance.now() - started);
            if (!cold.isCold || cold.status !== 200) {
              throw new Error(`a pooled ${runtime} cold start answered ${cold.status}`);
            }
            f.poolInit.push(cold.initMs ?? Number.NaN);
            f.poolRun.push(cold.durationMs);
            started = performance.now();
            await pooled.invoke(code(`${runtime}-pool-${i}`), request);
            f.warm.push(performance.now() - started);
          }
          started = performance.now();
          const fresh = await unpooled.invoke(code(`${runtime}-fresh-${i}`), request);
          f.fromNothing.push(performance.now() - started);
          if (fresh.status !== 200) throw new Error(`a ${runtime} cold start from nothing answered ${fresh.status}`);
          if (!functionRuntimes[runtime].isPreStartable) {
            started = performance.now();
            await unpooled.invoke(code(`${runtime}-fresh-${i}`), request);
            f.warm.push(performance.now() - started);
          }
        }
        // Stopped instances leave room for the next run's (an idle instance waits minutes otherwise).
        await pooled.evict(() => true);
        await unpooled.evict(() => true);
      }
      const comparisons: Comparison[] = [];
      const notes = [
        "each figure: from the call to the function's whole answer, including loading its code (cold); the issue aims at 0.15× `node -e ''` from the pool and 1.15× from nothing, for Node",
      ];
      for (const runtime of runtimes) {
        const f = figures.get(runtime);
        const bare = baselines.get(runtime);
        if (!f || !bare) continue;
        const label = { baselineLabel: bare.label, unit: "ms", baseline: median(f.bare) };
        if (f.fromPool.length > 0) {
          comparisons.push(
            compare({ metric: `${runtime}: cold start, pre-started pool`, value: median(f.fromPool), ...label }),
          );
        }
        comparisons.push(
          compare({ metric: `${runtime}: cold start, new sandboxed runtime`, value: median(f.fromNothing), ...label }),
          compare({ metric: `${runtime}: warm invocation`, value: median(f.warm), ...label }),
        );
        const list = (values: number[]) => values.map((n) => n.toFixed(1)).join(", ");
        if (f.fromPool.length > 0) {
          const init = median(f.poolInit);
          const invocation = median(f.poolRun);
          notes.push(
            `${runtime}: a pooled cold start (median ${median(f.fromPool).toFixed(1)} ms) is the host loading the code ${init.toFixed(1)} ms, the invocation ${invocation.toFixed(1)} ms, and ${(median(f.fromPool) - init - invocation).toFixed(1)} ms around them (taking the instance, copying the code into its slot, the load request, waiting for the output's end markers)`,
          );
        }
        notes.push(
          `${runtime}: ${f.fromPool.length > 0 ? `pool ${list(f.fromPool)} ms; ` : ""}from nothing ${list(f.fromNothing)} ms; ${bare.label} ${list(f.bare)} ms`,
        );
      }
      return { name: "functions-cold", comparisons, notes, details: Object.fromEntries(figures) };
    } finally {
      await pooled.stop();
      await unpooled.stop();
      rmSync(root, { recursive: true, force: true });
    }
  },
};

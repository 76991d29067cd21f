// Warm invocations of a Node function through the edge (`<function>--<project>.localhost`, a
// real platform, PGlite or BENCH_FUNCTION_STORE, the function created through the API) against the same handler in
// a bare node:http server (one process, no sandbox, no edge). Peak: wrk at 64 keep-alive
// connections, best of BENCH_FUNCTION_ROUNDS rounds, the two taking turns. Then both at a fixed
// rate of half the baseline's peak (an open-loop load, latency from each request's scheduled
// time), the added p99 being the function's p99 less the baseline's; and at half the function's
// own peak when that is lower.
import { cpus } from "node:os";
import { runWrk, type WrkResult, wrkConnections } from "./edge-static/wrk.ts";
import {
  type BenchFunction,
  createNodeFunction,
  expectHello,
  type FunctionPlatform,
  helloBody,
  helloHandlerSource,
  startFunctionPlatform,
} from "./functions/function-platform.ts";
import { processCpuSeconds } from "./lib/cpu.ts";
import { type FixedRateResult, failuresOf, startFixedRateLoad } from "./lib/fixed-rate.ts";
import { startTarget } from "./lib/proc.ts";
import { type Benchmark, type BenchResult, compare } from "./lib/report.ts";
import { settings } from "./lib/settings.ts";
import { ensureLoadTools } from "./lib/tools.ts";

const rounds = Number(process.env.BENCH_FUNCTION_ROUNDS ?? 2);
/** Seconds per measured run (peak and fixed rate alike). */
const seconds = Number(process.env.BENCH_FUNCTION_SECONDS ?? 5);
/** Enough for the load: the gateway turns requests over maxInstances × concurrency away with 429. */
const functionSettings = { concurrency: 50, maxInstances: 2, rateLimitPerMinute: null };
/** wrk and the servers share every CPU: the function's path is two processes (edge, instance), the baseline one. */
const allCpus = `0-${cpus().length - 1}`;
const path = "/bench";

type Way = "bare" | "function";
type Target = { way: Way; url: string; host: string };
/** CPU per answered request, in µs: the baseline's process; the platform's process and the function's instances. */
type PeakRun = WrkResult & { cpuUs: { server: number; instances: number } };

/** CPU seconds of the function's instances (their runtime processes) now. */
function instancesCpu(fp: FunctionPlatform): number {
  return fp.platform.functionGateway.runtime
    .instances()
    .filter((i) => i.key !== null && i.hostPid !== null)
    .reduce((sum, i) => sum + processCpuSeconds(i.hostPid ?? 0), 0);
}

async function peak(target: Target, fp: FunctionPlatform, barePid: number): Promise<PeakRun> {
  const headers = { host: target.host };
  if (settings.warmupSeconds > 0) await runWrk(target.url, [path], headers, settings.warmupSeconds, allCpus);
  // The platform runs in this process (wrk and the load generator in their own).
  const ownCpu = () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1e6;
  };
  const serverCpu = () => (target.way === "bare" ? processCpuSeconds(barePid) : ownCpu());
  const before = { server: serverCpu(), instances: instancesCpu(fp) };
  const result = await runWrk(target.url, [path], headers, seconds, allCpus);
  const perRequest = (cpuSeconds: number) => Math.round((cpuSeconds * 1e6) / Math.max(1, result.requests));
  return {
    ...result,
    cpuUs: {
      server: perRequest(serverCpu() - before.server),
      instances: target.way === "bare" ? 0 : perRequest(instancesCpu(fp) - before.instances),
    },
  };
}

const best = (runs: PeakRun[]) => runs.reduce((a, b) => (b.rps > a.rps ? b : a));
/** The least p99 over the rounds: other work on the machine only adds to it. */
const calmest = (runs: FixedRateResult[]) => runs.reduce((a, b) => (b.p99 < a.p99 ? b : a));

function describeRate(label: string, r: FixedRateResult): string {
  const failed = failuresOf(r);
  const what = failed > 0 ? `, ${failed} failed (${JSON.stringify({ ...r.non2xx, ...r.errors })})` : "";
  return `${label}: ${r.answered} answered (${r.achievedRps} req/s)${what}; p50 ${r.p50} ms, p99 ${r.p99} ms, p99.9 ${r.p999} ms, max ${r.max} ms; the generator's timer ran at most ${r.schedulerLagMs} ms late`;
}

export const functionsWarm: Benchmark = {
  name: "functions-warm",
  describe:
    "warm Node function through the edge vs the same handler in a bare node:http server: peak req/s, p99 at half load",
  async run(): Promise<BenchResult> {
    ensureLoadTools("functions-warm");
    const stops: (() => Promise<void>)[] = [];
    try {
      const fp = await startFunctionPlatform({});
      stops.push(() => fp.platform.destroy());
      const fn: BenchFunction = await createNodeFunction(fp, "warm", helloHandlerSource, functionSettings);
      await expectHello(fp, fn, path);
      const bare = await startTarget<{ type: "ready"; url: string }>("bench/functions/bare-handler-server.ts", {
        HANDLER_SOURCE: helloHandlerSource,
      });
      stops.push(bare.stop);
      const barePid = bare.child.pid ?? 0;
      const bareCheck = await fetch(`${bare.message.url}${path}`);
      if ((await bareCheck.text()) !== helloBody(path)) throw new Error("the bare server answers something else");

      const targets: Target[] = [
        { way: "bare", url: bare.message.url, host: new URL(bare.message.url).host },
        { way: "function", url: `http://127.0.0.1:${fp.edgePort}`, host: fn.host },
      ];
      const peaks: Record<Way, PeakRun[]> = { bare: [], function: [] };
      for (let round = 0; round < rounds; round++) {
        for (const target of targets) {
          console.log(`functions-warm: peak, ${target.way}, round ${round + 1}/${rounds}…`);
          peaks[target.way].push(await peak(target, fp, barePid));
        }
      }
      const bestBare = best(peaks.bare);
      const bestFunction = best(peaks.function);
      // Half the baseline's peak (the issue's load); and half the function's own peak when that
      // is lower, where the function is not overloaded and its added latency shows on its own.
      const rates = [bestBare.rps / 2, bestFunction.rps / 2]
        .map((r) => Math.max(1, Math.round(r)))
        .filter((r, i, all) => i === 0 || r < (all[0] ?? 0) * 0.9);

      const load = await startFixedRateLoad();
      stops.push(load.close);
      const atRates = [];
      for (const rate of rates) {
        const fixed: Record<Way, FixedRateResult[]> = { bare: [], function: [] };
        for (let round = 0; round < rounds; round++) {
          for (const target of targets) {
            console.log(`functions-warm: ${rate} req/s, ${target.way}, round ${round + 1}/${rounds}…`);
            const { url, host } = target;
            const run = { url, host, path, rate, connections: wrkConnections, warmupSeconds: 1, seconds };
            fixed[target.way].push(await load.run(run));
          }
        }
        const bare = calmest(fixed.bare);
        const fn = calmest(fixed.function);
        const perRound = fixed.function.map((f, i) => f.p99 - (fixed.bare[i]?.p99 ?? Number.NaN));
        atRates.push({ rate, fixed, bare, fn, addedP99: fn.p99 - bare.p99, perRound });
      }
      const counts = fp.platform.functionGateway.runtime.counts();
      const bad =
        bestFunction.bad + bestBare.bad + atRates.reduce((n, r) => n + failuresOf(r.fn) + failuresOf(r.bare), 0);
      const note = bad > 0 ? { note: `${bad} bad responses` } : {};
      const vsBare = { baselineLabel: "bare node:http", ...note };
      return {
        name: "functions-warm",
        comparisons: [
          compare({
            metric: "warm invocations, peak",
            unit: "req/s",
            value: bestFunction.rps,
            baseline: bestBare.rps,
            ...vsBare,
          }),
          compare({
            metric: "p99 at peak (wrk)",
            unit: "ms",
            value: bestFunction.p99,
            baseline: bestBare.p99,
            ...vsBare,
          }),
          ...atRates.map((r, i) =>
            compare({
              metric: `p99 at ${r.rate} req/s (half the ${i === 0 ? "baseline's" : "function's"} peak)`,
              unit: "ms",
              value: r.fn.p99,
              baseline: r.bare.p99,
              ...vsBare,
            }),
          ),
          compare({
            metric: "CPU per request",
            unit: "µs",
            value: bestFunction.cpuUs.server + bestFunction.cpuUs.instances,
            baseline: bestBare.cpuUs.server,
            ...vsBare,
          }),
        ],
        notes: [
          `the issue aims at ≥ 0.5× the baseline's req/s, and < 1 ms of added p99 at half the baseline's peak; added p99 (function − baseline, the calmest round of each): ${atRates.map((r) => `${r.addedP99.toFixed(2)} ms at ${r.rate} req/s (per round ${r.perRound.map((n) => n.toFixed(2)).join(", ")})`).join("; ")}`,
          `handler: ${JSON.stringify(helloHandlerSource.trim())}; the function: settings ${JSON.stringify(functionSettings)}, reached at the edge with Host ${fn.host}; the baseline: bench/functions/bare-handler-server.ts, node:http converting to a Web Request and back as the function host does`,
          `peak: wrk, 1 thread, ${wrkConnections} keep-alive connections, GET ${path}, ${seconds} s after ${settings.warmupSeconds} s warm-up, best of ${rounds} rounds, the two ways taking turns; nothing pinned (CPUs ${allCpus} shared by wrk, the platform, the instances and other work); the platform in the bench process, on ${settings.functionStore}`,
          `fixed rate: bench/lib/fixed-rate-target.ts, ${wrkConnections} keep-alive connections, open loop (latency from each request's scheduled time, so a server falling behind shows its whole delay), 1 s warm-up, ${seconds} s measured, the calmest of ${rounds} rounds`,
          `CPU per request at peak (best round): baseline process ${bestBare.cpuUs.server} µs; function: platform process (edge, gateway, invocation recorder, ${settings.functionStore === "pglite" ? "PGlite" : "its PostgreSQL client"}) ${bestFunction.cpuUs.server} µs + function instances ${bestFunction.cpuUs.instances} µs`,
          `peak rounds: bare ${peaks.bare.map((r) => Math.round(r.rps)).join(", ")} req/s; function ${peaks.function.map((r) => Math.round(r.rps)).join(", ")} req/s; p50 at peak bare ${bestBare.p50} ms, function ${bestFunction.p50} ms`,
          ...atRates.flatMap((r) => [
            describeRate(`baseline at ${r.rate} req/s`, r.bare),
            describeRate(`function at ${r.rate} req/s`, r.fn),
          ]),
          `instances at the end: ${counts.warm} warm for the function, ${counts.blank} blank in the pool`,
        ],
        details: { peaks, atRates, functionSettings, seconds, rounds, counts },
      };
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  },
};

// Server apps on a real platform (in this process, PGlite), examples/node-server deployed from a
// local git repository and reached through the edge with its production Host.
// apps-redeploy: an open-loop 200 req/s while the app is redeployed 20 times, against the same
// load for as long with no redeploy. apps-cold-wake: time to the first byte of a request that
// finds the app scaled to zero, against spawning `node server.js` and polling it until it answers.
import { spawn } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type AppPlatform,
  createNodeServerProject,
  deployAndWait,
  type OpenLoop,
  startAppPlatform,
  startOpenLoop,
} from "./apps/node-server-platform.ts";
import type { WindowSummary } from "./apps/open-loop.ts";
import { freePort, repoRoot, stopProcess } from "./lib/proc.ts";
import { type Benchmark, type BenchResult, compare } from "./lib/report.ts";
import { median } from "./lib/stats.ts";

/** What examples/node-server answers on / for an APP_VERSION. */
const bodyOf = (version: string) => `slipway example node-server ${version}`;
const redeploys = Number(process.env.BENCH_REDEPLOYS ?? 20);
/** 200 req/s. */
const loadIntervalMs = 5;
const wakeRuns = Number(process.env.BENCH_WAKE_RUNS ?? 10);

function failuresOf(w: WindowSummary): number {
  const count = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  return count(w.non2xx) + count(w.errors);
}

function describeWindow(label: string, w: WindowSummary): string {
  const seconds = (w.endedAt - w.startedAt) / 1000;
  const failed = failuresOf(w);
  const what = failed > 0 ? ` (non-2xx ${JSON.stringify(w.non2xx)}, errors ${JSON.stringify(w.errors)})` : "";
  return `${label}: ${w.sent} requests in ${seconds.toFixed(1)} s, ${w.ok} 2xx, ${failed} failed${what}; p50 ${w.p50} ms, p99 ${w.p99} ms, max ${w.max} ms; the load ran at most ${w.maxSendLagMs} ms late`;
}

/**
 * How late the platform's event loop ran (the edge, the API, build orchestration and PGlite
 * share it) during a window: p99 and max, beyond the histogram's own 10 ms tick.
 */
function eventLoopDelay() {
  const tickMs = 10;
  const histogram = monitorEventLoopDelay({ resolution: tickMs });
  histogram.enable();
  return () => {
    histogram.disable();
    const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - tickMs) * 100) / 100);
    return { p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
  };
}

/**
 * When the slowest requests were sent, against the route switches (the first answer from each
 * new version): how many fell in each span before (−) or after (+) the nearest switch.
 */
function slowAroundSwitches(w: WindowSummary): string {
  const switches = Object.values(w.bodies)
    .map((b) => b.firstAt)
    .sort((a, b) => a - b)
    .slice(1);
  if (switches.length === 0 || w.slowest.length === 0) return "no switch or no slow request";
  const edges = [-500, -250, -100, 0, 100, 250, 500];
  const labels = ["< −500", ...edges.slice(1).map((edge, i) => `${edges[i]}…${edge}`), "≥ 500"];
  const counts = labels.map(() => 0);
  for (const slow of w.slowest) {
    const offset = switches.reduce(
      (best, at) => (Math.abs(slow.at - at) < Math.abs(best) ? slow.at - at : best),
      Infinity,
    );
    const bucket = edges.findIndex((edge) => offset < edge);
    const i = bucket === -1 ? edges.length : bucket;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return labels
    .map((label, i) => `${label} ms: ${counts[i]}`)
    .filter((_, i) => (counts[i] ?? 0) > 0)
    .join(", ");
}

export const appsRedeploy: Benchmark = {
  name: "apps-redeploy",
  describe: "200 req/s open loop through the edge to a node app during 20 redeploys vs the same load with none",
  async run(): Promise<BenchResult> {
    const app = await startAppPlatform();
    let load: OpenLoop | null = null;
    try {
      const project = await createNodeServerProject(
        app,
        "bench-redeploy",
        { healthCheckPath: "/healthz" },
        { APP_VERSION: "v0" },
      );
      console.log("apps-redeploy: first deploy…");
      const first = await deployAndWait(app, project, bodyOf("v0"));
      load = await startOpenLoop(app.platform.edgeUrl, project.host, loadIntervalMs);
      // Warm-up: the load's connections open and the edge's and the app's code paths get hot.
      load.start();
      await sleep(2000);
      await load.stop();

      const runs: { version: string; ms: number; buildMs: number; buildId: string; at: number }[] = [];
      const windowStart = performance.now();
      let loopDelay = eventLoopDelay();
      load.start();
      for (let i = 1; i <= redeploys; i++) {
        const version = `v${i}`;
        console.log(`apps-redeploy: redeploy ${i}/${redeploys} (APP_VERSION=${version})…`);
        const path = `/api/v1/teams/${app.teamId}/projects/${project.id}/env/${project.envIds.APP_VERSION}`;
        const changed = await app.user.call("PATCH", path, { value: version });
        if (changed.status !== 200) throw new Error(`APP_VERSION: ${changed.status} ${JSON.stringify(changed.body)}`);
        const at = Date.now();
        const deployed = await deployAndWait(app, project, bodyOf(version));
        runs.push({ version, ms: deployed.ms, buildMs: deployed.buildMs, buildId: deployed.build.id, at });
      }
      const during = await load.stop();
      const windowMs = performance.now() - windowStart;
      const duringLoop = loopDelay();
      // The last old instance drains and stops; then the same load for as long, with nothing deployed.
      await sleep(2000);
      console.log(`apps-redeploy: steady window, ${(windowMs / 1000).toFixed(0)} s…`);
      loopDelay = eventLoopDelay();
      load.start();
      await sleep(windowMs);
      const steady = await load.stop();
      const steadyLoop = loopDelay();

      const perRedeploy = median(runs.map((r) => r.ms));
      const versionsSeen = Object.keys(during.bodies).length;
      return {
        name: "apps-redeploy",
        comparisons: [
          compare({
            metric: "p99 latency during redeploys",
            unit: "ms",
            value: during.p99,
            baseline: steady.p99,
            baselineLabel: "steady window",
          }),
          compare({
            metric: "failed requests (non-2xx + errors)",
            unit: "req",
            value: failuresOf(during),
            baseline: failuresOf(steady),
            baselineLabel: "steady window",
          }),
          compare({
            metric: "time per redeploy (median)",
            unit: "ms",
            value: perRedeploy,
            baseline: first.ms,
            baselineLabel: "first deploy",
          }),
        ],
        notes: [
          `load: one GET / every ${loadIntervalMs} ms (${1000 / loadIntervalMs} req/s, open loop: sent on schedule whether or not earlier ones answered) from its own process over a keep-alive agent, to the edge with the production Host ${project.host}; latency to the last byte; a request unanswered after 10 s counts as an error`,
          `redeploys: ${runs.length}, each: PATCH the production env var APP_VERSION, POST a build of the production branch, wait until it succeeded and the edge answers the new version; runtime { healthCheckPath: "/healthz" }, 1 instance; the new instance is healthy before routes switch, the old one drains after`,
          describeWindow("during redeploys", during),
          describeWindow("steady window", steady),
          `answers during redeploys came from ${versionsSeen} version(s) of the app; time per redeploy: median ${perRedeploy.toFixed(0)} ms, min ${Math.min(...runs.map((r) => r.ms)).toFixed(0)} ms, max ${Math.max(...runs.map((r) => r.ms)).toFixed(0)} ms (build API done: median ${median(runs.map((r) => r.buildMs)).toFixed(0)} ms); first deploy ${first.ms.toFixed(0)} ms`,
          `requests at or above p99 during redeploys (${during.slowest.length}), by when they were sent against the nearest route switch: ${slowAroundSwitches(during)}`,
          `how late the platform's event loop ran (edge, API, builds' orchestration and PGlite share it): during redeploys p99 ${duringLoop.p99} ms, max ${duringLoop.max} ms; steady p99 ${steadyLoop.p99} ms, max ${steadyLoop.max} ms`,
          "platform: in the bench process on PGlite, nothing pinned; builds run on the same 2 cores as the edge, the app and the load",
        ],
        details: {
          first: { ms: first.ms, buildMs: first.buildMs },
          runs,
          during,
          steady,
          windowMs,
          eventLoopDelay: { during: duringLoop, steady: steadyLoop },
        },
      };
    } finally {
      await load?.close();
      await app.platform.destroy();
    }
  },
};

/** ms from `since` to the head of a 200 answer to GET / on a fresh connection; throws on a refused connection. */
function firstByte(port: number, host: string, since: number): Promise<{ ms: number; status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", headers: { host }, agent: false }, (res) => {
      const ms = performance.now() - since;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ ms, status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** `node server.js` as a person would run it: spawn, then GET / every 5 ms until the first answer. */
async function bareStart(): Promise<number> {
  const port = await freePort();
  const since = performance.now();
  const child = spawn(process.execPath, [join(repoRoot, "examples/node-server/server.js")], {
    env: { PATH: process.env.PATH ?? "", PORT: String(port), HOST: "127.0.0.1" },
    stdio: "ignore",
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`node server.js exited with ${child.exitCode}`);
      const answer = await firstByte(port, `127.0.0.1:${port}`, since).catch(() => null);
      if (answer) {
        if (answer.status !== 200 || answer.body !== bodyOf("v1")) throw new Error(`bare start: ${answer.status}`);
        return answer.ms;
      }
      await sleep(5);
    }
  } finally {
    await stopProcess(child);
  }
}

type Wake = {
  ms: number;
  /** Epoch ms of the request, to find its instance in the runtime log. */
  at: number;
  /** From the runtime log, ms after the request: the instance starting, the app's first output, healthy. */
  startingMs?: number;
  listeningMs?: number;
  healthyMs?: number;
};

/** Splits each wake with the runtime log's timestamps: which part is the sandbox, the app, the health probe. */
async function explainWakes(app: AppPlatform, deploymentId: string, wakes: Wake[]): Promise<void> {
  const res = await app.user.call("GET", `/api/v1/teams/${app.teamId}/deployments/${deploymentId}/logs?limit=5000`);
  const lines = (res.body?.lines ?? []) as { instanceId: string; text: string; at: string; stream: string }[];
  for (const wake of wakes) {
    const starting = lines.find(
      (l) => l.stream === "system" && /^Starting instance/.test(l.text) && Date.parse(l.at) >= wake.at,
    );
    if (!starting) continue;
    const ofInstance = lines.filter((l) => l.instanceId === starting.instanceId);
    const listening = ofInstance.find((l) => l.stream === "stdout" && /listening on/.test(l.text));
    const healthy = ofInstance.find((l) => l.stream === "system" && /is healthy/.test(l.text));
    wake.startingMs = Date.parse(starting.at) - wake.at;
    if (listening) wake.listeningMs = Date.parse(listening.at) - wake.at;
    if (healthy) wake.healthyMs = Date.parse(healthy.at) - wake.at;
  }
}

export const appsColdWake: Benchmark = {
  name: "apps-cold-wake",
  describe: "first byte from a scaled-to-zero node app through the edge vs spawning `node server.js` to its first byte",
  async run(): Promise<BenchResult> {
    const app = await startAppPlatform();
    try {
      const project = await createNodeServerProject(app, "bench-sleepy", {});
      console.log("apps-cold-wake: deploy…");
      const deployed = await deployAndWait(app, project, bodyOf("v1"));
      const deploymentId: string = deployed.build.deploymentId;
      const edgePort = Number(new URL(app.platform.edgeUrl).port);
      const deploymentPath = `/api/v1/teams/${app.teamId}/deployments/${deploymentId}`;

      const wakes: Wake[] = [];
      for (let i = 0; i < wakeRuns; i++) {
        console.log(`apps-cold-wake: wake ${i + 1}/${wakeRuns}…`);
        // Scaled to zero through the API rather than by an idle timeout shortened to fit a
        // benchmark: a timeout shorter than a start idles the app out again while the waking
        // request waits for it (that request then fails after healthCheckTimeoutSeconds).
        const scaled = await app.user.call("POST", `${deploymentPath}/scale`, { instances: 0 });
        if (scaled.status !== 200) throw new Error(`scale to 0: ${scaled.status} ${JSON.stringify(scaled.body)}`);
        const deadline = Date.now() + 30_000;
        for (;;) {
          const runtime = (await app.user.call("GET", `${deploymentPath}/instances`)).body;
          if (runtime.state === "idle" && runtime.instances.length === 0) break;
          if (Date.now() > deadline) throw new Error(`the app did not scale to zero: ${JSON.stringify(runtime)}`);
          await sleep(20);
        }
        // Scaled to zero a moment ago: let the stopped instance's clean-up end, as it would have long before a real visit.
        await sleep(500);
        const at = Date.now();
        const answer = await firstByte(edgePort, project.host, performance.now());
        if (answer.status !== 200 || answer.body !== bodyOf("v1")) {
          throw new Error(`wake ${i + 1}: ${answer.status} ${JSON.stringify(answer.body)}`);
        }
        wakes.push({ ms: answer.ms, at });
      }
      const bare: number[] = [];
      for (let i = 0; i < wakeRuns; i++) bare.push(await bareStart());
      await sleep(500); // the runtime log is written in batches every 200 ms
      await explainWakes(app, deploymentId, wakes);

      const wakeMs = median(wakes.map((w) => w.ms));
      const bareMs = median(bare);
      const part = (pick: (w: Wake) => number | undefined) => {
        const values = wakes.map(pick).filter((v): v is number => v !== undefined);
        return values.length > 0 ? `${median(values).toFixed(0)} ms` : "?";
      };
      return {
        name: "apps-cold-wake",
        comparisons: [
          compare({
            metric: "first byte from a scaled-to-zero app",
            unit: "ms",
            value: wakeMs,
            baseline: bareMs,
            baselineLabel: "node server.js",
          }),
        ],
        notes: [
          `median of ${wakes.length} wakes: GET / through the edge with the production Host, on a new connection, timed to the response head; the app scaled to zero before each (POST …/scale {instances: 0}, then the state "idle" with no instance); readiness: the port accepts a connection (no health path), probed by the supervisor every 5 ms at first, the interval growing to 200 ms`,
          `baseline: median of ${bare.length} starts of \`node examples/node-server/server.js\` (spawn, then GET / every 5 ms on a new connection, timed to the first response head); no sandbox`,
          `wakes: ${wakes.map((w) => w.ms.toFixed(0)).join(", ")} ms; bare: ${bare.map((ms) => ms.toFixed(0)).join(", ")} ms`,
          `where a wake's time goes (median ms after the request, from the runtime log): instance starting ${part((w) => w.startingMs)}, the app's "listening" line ${part((w) => w.listeningMs)}, healthy ${part((w) => w.healthyMs)}, first byte ${wakeMs.toFixed(0)} ms`,
        ],
        details: { wakes, bare },
      };
    } finally {
      await app.platform.destroy();
    }
  },
};

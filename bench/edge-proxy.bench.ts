// The Slipway edge as a reverse proxy to a server app vs nginx proxying to the same app, and vs
// the app reached directly; wrk, 64 keep-alive connections. Two upstreams: examples/node-server
// under plain node (what an app costs), and nginx answering a fixed body (an upstream that is
// not the bottleneck, so the proxy's own ceiling shows). On 2 cores: the proxy under test on
// CPU 0; wrk and the upstream share CPU 1.
import { execFileSync } from "node:child_process";
import { request } from "node:http";
import { startHelloNginx, startNginxProxy, startNodeApp, type Upstream } from "./edge-proxy/servers.ts";
import { runWrk, type WrkResult, wrkConnections } from "./edge-static/wrk.ts";
import { perCpuMeter, processCpuSeconds } from "./lib/cpu.ts";
import { startTarget } from "./lib/proc.ts";
import { type Benchmark, type BenchResult, type Comparison, compare } from "./lib/report.ts";
import { settings } from "./lib/settings.ts";
import { ensureLoadTools } from "./lib/tools.ts";

const serverCpu = process.env.BENCH_EDGE_SERVER_CPU ?? "0";
const loadCpu = process.env.BENCH_EDGE_LOAD_CPU ?? "1";
/** Where the upstream apps run: beside wrk by default, so the proxy has a core to itself. */
const upstreamCpu = process.env.BENCH_PROXY_UPSTREAM_CPU ?? loadCpu;
/** Rounds per way and class; the best round counts (other work on the machine only slows runs down). */
const rounds = Number(process.env.BENCH_EDGE_ROUNDS ?? 2);

type Way = "direct" | "nginx" | "edge";
type Entry = { way: Way; url: string; proxyPid: number | null };
/**
 * proxyCpuUs: the proxy's CPU time (all its threads) per answered request; upstreamCpuUs the
 * same for the upstream app. cores: CPU each used during the run, in cores. cpuBusy: how busy
 * each CPU of the machine was (0–1), by anyone: wrk, the servers, and other work.
 */
type Run = WrkResult & {
  proxyCpuUs: number;
  upstreamCpuUs: number;
  proxyCores: number;
  upstreamCores: number;
  cpuBusy: number[];
};
type ClassRun = { name: string; host: string; upstream: Upstream; body: string; runs: Record<Way, Run[]> };

/** A GET with our Host header (fetch() replaces it). */
function get(url: string, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers: { host }, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** The three ways answer 200 with the same body; both proxies tell the app who asked and how. */
async function verify(c: ClassRun, entries: Entry[]): Promise<void> {
  for (const entry of entries) {
    const res = await get(entry.url, "/", c.host);
    if (res.status !== 200 || res.body !== c.body) {
      throw new Error(`${c.name} ${entry.way}: answered ${res.status} ${JSON.stringify(res.body)}, not ${c.body}`);
    }
  }
  if (c.body.startsWith("slipway example node-server")) {
    for (const entry of entries.filter((e) => e.way !== "direct")) {
      const seen = JSON.parse((await get(entry.url, "/headers", c.host)).body) as Record<string, string>;
      const expected = { host: c.host, "x-forwarded-for": "127.0.0.1", "x-forwarded-proto": "http" };
      for (const [name, value] of Object.entries(expected)) {
        if (seen[name] !== value) throw new Error(`${entry.way} sent ${name}: ${seen[name]}, not ${value}`);
      }
    }
  }
}

async function measure(entry: Entry, c: ClassRun): Promise<Run> {
  const headers = { host: c.host };
  if (settings.warmupSeconds > 0) await runWrk(entry.url, ["/"], headers, settings.warmupSeconds, loadCpu);
  const cpu = () => ({
    at: performance.now(),
    proxy: entry.proxyPid ? processCpuSeconds(entry.proxyPid) : 0,
    upstream: processCpuSeconds(c.upstream.pid),
  });
  const before = cpu();
  const busy = perCpuMeter();
  const result = await runWrk(entry.url, ["/"], headers, settings.seconds, loadCpu);
  const cpuBusy = busy();
  const after = cpu();
  const seconds = (after.at - before.at) / 1000;
  const proxy = after.proxy - before.proxy;
  const upstream = after.upstream - before.upstream;
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    ...result,
    proxyCpuUs: (proxy * 1e6) / result.requests,
    upstreamCpuUs: (upstream * 1e6) / result.requests,
    proxyCores: round(proxy / seconds),
    upstreamCores: round(upstream / seconds),
    cpuBusy,
  };
}

function best(runs: Run[]): Run {
  return runs.reduce((a, b) => (b.rps > a.rps ? b : a));
}

/** The least CPU per request over the rounds: what the process needs when nothing else interferes. */
function leanest(runs: Run[], pick: (r: Run) => number): number {
  return Math.min(...runs.map(pick));
}

export const edgeProxy: Benchmark = {
  name: "edge-proxy",
  describe: "the edge proxying to an app vs nginx proxy_pass vs the app directly, wrk, node app and nginx upstream",
  async run(): Promise<BenchResult> {
    ensureLoadTools("edge-proxy");
    const stops: (() => Promise<void>)[] = [];
    try {
      const nodeApp = await startNodeApp(upstreamCpu);
      stops.push(nodeApp.stop);
      const hello = await startHelloNginx(upstreamCpu);
      stops.push(hello.stop);
      const classes: ClassRun[] = [
        {
          name: "node app",
          host: "node.bench",
          upstream: nodeApp,
          body: "slipway example node-server v1",
          runs: { direct: [], nginx: [], edge: [] },
        },
        {
          name: "nginx upstream",
          host: "hello.bench",
          upstream: hello,
          body: "hello\n",
          runs: { direct: [], nginx: [], edge: [] },
        },
      ];
      const routes = classes.map((c) => ({ host: c.host, port: c.upstream.port }));

      const edgeTarget = await startTarget<{ type: "ready"; url: string }>("bench/edge-proxy/proxy-target.ts", {
        EDGE_APP_ROUTES: routes.map((r) => `${r.host}=${r.port}`).join(","),
      });
      stops.push(edgeTarget.stop);
      const edgePid = edgeTarget.child.pid ?? 0;
      // -a: every thread of the process (V8's, libuv's), not only the main one.
      execFileSync("taskset", ["-a", "-p", "-c", serverCpu, String(edgePid)], { stdio: "ignore" });
      const nginx = await startNginxProxy(routes, serverCpu);
      stops.push(nginx.stop);

      for (const c of classes) {
        const entries: Entry[] = [
          { way: "direct", url: c.upstream.url, proxyPid: null },
          { way: "nginx", url: nginx.url, proxyPid: nginx.pid },
          { way: "edge", url: edgeTarget.message.url, proxyPid: edgePid },
        ];
        await verify(c, entries);
        for (let round = 0; round < rounds; round++) {
          for (const entry of entries) {
            console.log(`edge-proxy: ${c.name}, ${entry.way}, round ${round + 1}/${rounds}…`);
            c.runs[entry.way].push(await measure(entry, c));
          }
        }
      }

      const comparisons: Comparison[] = [];
      const notes = [
        `upstreams: examples/node-server (\`node server.js\`, GET / → ${JSON.stringify(classes[0]?.body)}); nginx \`return 200 "hello\\n"\` (an upstream far cheaper than any proxy)`,
        `load: wrk, 1 thread, ${wrkConnections} keep-alive connections, GET / with the route's Host, ${settings.seconds} s measured after ${settings.warmupSeconds} s warm-up; best of ${rounds} rounds per way (other work on the machine only slows a run down)`,
        `pinning: the proxy under test on CPU ${serverCpu} (taskset -a, all its threads), wrk on CPU ${loadCpu}, the upstreams on CPU ${upstreamCpu}; nginx and the edge take turns, the idle one waits on CPU ${serverCpu}; direct: wrk → upstream, CPU ${serverCpu} idle. The CPU at 100% in a run (below) is what capped it: CPU ${serverCpu}, the proxy; CPU ${loadCpu}, wrk with the upstream — so a proxy capped by CPU ${loadCpu} could go faster than it shows`,
        "aims (from the issue): req/s ≥ 0.8× nginx (public comparisons put Traefik near 0.67×, Caddy near 0.44×), the edge hop ≥ 0.6× direct",
        'nginx: 1 worker (master_process off), proxy_pass to `upstream { keepalive 64; keepalive_requests 1000000; }`, proxy_http_version 1.1, Connection "", Host passed through, X-Forwarded-For/-Proto/-Host/-Port set (what the edge sets), buffering on (its default); the edge: its own process, an app route whose upstreams always lend the one port; plain GETs take its fast path (pooled raw keep-alive sockets, response relayed as it comes)',
        "proxy CPU/request: the proxy process's CPU time (all its threads) per answered request, the least over the rounds; it holds when the machine is shared, where req/s is capped by whatever CPU is left",
      ];
      const details: Record<string, unknown> = { rounds, serverCpu, loadCpu, upstreamCpu };
      for (const c of classes) {
        const direct = best(c.runs.direct);
        const viaNginx = best(c.runs.nginx);
        const viaEdge = best(c.runs.edge);
        details[c.name] = { host: c.host, body: c.body, runs: c.runs };
        const badCount = viaEdge.bad + viaNginx.bad + direct.bad;
        const bad =
          badCount > 0
            ? `${viaEdge.bad} bad edge, ${viaNginx.bad} bad nginx, ${direct.bad} bad direct responses`
            : undefined;
        const extra = bad ? { note: bad } : {};
        const vsNginx = { baselineLabel: "nginx", ...extra };
        comparisons.push(
          compare({
            metric: `${c.name}: req/s`,
            unit: "req/s",
            value: viaEdge.rps,
            baseline: viaNginx.rps,
            ...vsNginx,
          }),
          compare({
            metric: `${c.name}: p99 latency`,
            unit: "ms",
            value: viaEdge.p99,
            baseline: viaNginx.p99,
            ...vsNginx,
          }),
          compare({
            metric: `${c.name}: proxy CPU/request`,
            unit: "µs",
            value: leanest(c.runs.edge, (r) => r.proxyCpuUs),
            baseline: leanest(c.runs.nginx, (r) => r.proxyCpuUs),
            ...vsNginx,
          }),
          compare({
            metric: `${c.name}: edge hop req/s`,
            unit: "req/s",
            value: viaEdge.rps,
            baseline: direct.rps,
            baselineLabel: "direct",
            ...extra,
          }),
        );
        const cores = (r: Run) =>
          `proxy ${r.proxyCores}, upstream ${r.upstreamCores}; CPUs busy ${r.cpuBusy.map((b) => `${Math.round(b * 100)}%`).join("/")}`;
        notes.push(
          `${c.name}: nginx hop vs direct ${(viaNginx.rps / direct.rps).toFixed(2)}×; p50 direct ${direct.p50} ms, nginx ${viaNginx.p50} ms, edge ${viaEdge.p50} ms; cores in the best runs: direct (${cores(direct)}), nginx (${cores(viaNginx)}), edge (${cores(viaEdge)})`,
        );
        if (bad) notes.push(`WARNING ${c.name}: ${bad} — the figures are not valid`);
      }
      return { name: "edge-proxy", comparisons, notes, details };
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  },
};

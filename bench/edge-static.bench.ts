// Static files from the Slipway edge vs nginx, same files, same run, same request headers:
// small files (≤ 64 KiB) as identity and as precompressed gzip, large files (1–10 MiB) as
// identity. wrk, 64 keep-alive connections. On 2 cores: the server under test pinned to
// CPU 0, wrk pinned to CPU 1; the two servers take turns, so each has one core to itself.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { type Nginx, startNginx } from "./edge-static/nginx.ts";
import { prepareSite, type Site, type SiteFile } from "./edge-static/site.ts";
import { runWrk, type WrkResult, wrkConnections } from "./edge-static/wrk.ts";
import { cpuMeter } from "./lib/cpu.ts";
import { startTarget } from "./lib/proc.ts";
import { type Benchmark, type BenchResult, type Comparison, compare } from "./lib/report.ts";
import { settings } from "./lib/settings.ts";
import { ensureLoadTools } from "./lib/tools.ts";

const host = "site.bench";
const serverCpu = process.env.BENCH_EDGE_SERVER_CPU ?? "0";
const loadCpu = process.env.BENCH_EDGE_LOAD_CPU ?? "1";
/** Rounds per server and class; the best round counts (other work on the machine only slows runs down). */
const rounds = Number(process.env.BENCH_EDGE_ROUNDS ?? 2);

type Server = { label: "edge" | "nginx"; url: string; pid: number };
/** serverCores: CPU the server used, in cores; cpuUsPerRequest: its CPU time per answered request. */
type Run = WrkResult & { serverCores: number; cpuUsPerRequest: number };
type ClassRun = { name: string; paths: string[]; headers: Record<string, string>; edge: Run[]; nginx: Run[] };

const sha = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** A GET with our Host header (fetch() replaces it) and the raw, undecoded body. */
function get(server: Server, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; encoding: string | undefined; body: Buffer }>((resolve, reject) => {
    const req = request(`${server.url}${path}`, { headers: { host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          encoding: res.headers["content-encoding"],
          body: Buffer.concat(chunks),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Both servers send the same bytes for every file, as identity and as gzip. */
async function verify(site: Site, servers: Server[]): Promise<void> {
  for (const file of [...site.small, ...site.medium, ...site.large]) {
    const expected = sha(readFileSync(`${site.dir}${file.path}`));
    for (const server of servers) {
      const plain = await get(server, file.path, {});
      if (plain.status !== 200 || plain.encoding !== undefined || sha(plain.body) !== expected) {
        throw new Error(
          `${server.label} ${file.path}: answered ${plain.status} ${plain.encoding ?? ""}, or the body differs`,
        );
      }
      if (!file.compressible || file.bytes < 256) continue;
      const gzip = await get(server, file.path, { "accept-encoding": "gzip" });
      if (gzip.status !== 200 || gzip.encoding !== "gzip" || sha(gunzipSync(gzip.body)) !== expected) {
        throw new Error(
          `${server.label} ${file.path}: gzip answer ${gzip.status} ${gzip.encoding}, or it does not decode to the file`,
        );
      }
    }
  }
}

async function measure(server: Server, paths: string[], headers: Record<string, string>): Promise<Run> {
  const all = { host, ...headers };
  if (settings.warmupSeconds > 0) await runWrk(server.url, paths, all, settings.warmupSeconds, loadCpu);
  const stop = cpuMeter(server.pid);
  const result = await runWrk(server.url, paths, all, settings.seconds, loadCpu);
  const serverCores = stop().server;
  return { ...result, serverCores, cpuUsPerRequest: (serverCores * settings.seconds * 1e6) / result.requests };
}

function best(runs: Run[]): Run {
  return runs.reduce((a, b) => (b.rps > a.rps ? b : a));
}

/** The least CPU per request over the rounds: what the server needs when nothing else interferes. */
function leanest(runs: Run[]): number {
  return Math.min(...runs.map((r) => r.cpuUsPerRequest));
}

function describeFiles(files: SiteFile[]): string {
  return files.map((f) => `${f.path} (${(f.bytes / 1024).toFixed(1)} KiB)`).join(", ");
}

export const edgeStatic: Benchmark = {
  name: "edge-static",
  describe: "static files from the edge vs nginx (sendfile, open_file_cache, gzip_static), wrk, small and large",
  async run(): Promise<BenchResult> {
    ensureLoadTools("edge-static");
    const site = prepareSite();
    const stops: (() => Promise<void>)[] = [() => Promise.resolve(site.remove())];
    try {
      const edgeTarget = await startTarget<{ type: "ready"; url: string }>("bench/edge-static/edge-target.ts", {
        EDGE_SITE_DIR: site.dir,
        EDGE_HOST: host,
      });
      stops.push(edgeTarget.stop);
      const edgePid = edgeTarget.child.pid ?? 0;
      // -a: every thread of the process (V8's, libuv's), not only the main one.
      execFileSync("taskset", ["-a", "-p", "-c", serverCpu, String(edgePid)], { stdio: "ignore" });
      const nginx: Nginx = await startNginx(site.dir, serverCpu, site.small[0]?.path ?? "/");
      stops.push(nginx.stop);
      const servers: Server[] = [
        { label: "nginx", url: nginx.url, pid: nginx.pid },
        { label: "edge", url: edgeTarget.message.url, pid: edgePid },
      ];
      await verify(site, servers);

      const smallPaths = site.small.map((f) => f.path);
      const gzipPaths = site.small.filter((f) => f.compressible && f.bytes >= 256).map((f) => f.path);
      const candidates: ClassRun[] = [
        { name: "small", paths: smallPaths, headers: {}, edge: [], nginx: [] },
        { name: "small gzip", paths: gzipPaths, headers: { "accept-encoding": "gzip" }, edge: [], nginx: [] },
        { name: "medium", paths: site.medium.map((f) => f.path), headers: {}, edge: [], nginx: [] },
        { name: "large", paths: site.large.map((f) => f.path), headers: {}, edge: [], nginx: [] },
      ];
      const classes = candidates.filter((c) => c.paths.length > 0);
      for (const c of classes) {
        for (let round = 0; round < rounds; round++) {
          for (const server of servers) {
            console.log(`edge-static: ${c.name}, ${server.label}, round ${round + 1}/${rounds}…`);
            c[server.label].push(await measure(server, c.paths, c.headers));
          }
        }
      }

      const comparisons: Comparison[] = [];
      const notes = [
        `files: ${site.source}`,
        `small (≤ 64 KiB): ${describeFiles(site.small)}; medium: ${describeFiles(site.medium)}; large (1–10 MiB): ${describeFiles(site.large)}`,
        `load: wrk, 1 thread, ${wrkConnections} keep-alive connections, requests rotating over the class's files, ${settings.seconds} s measured after ${settings.warmupSeconds} s warm-up; best of ${rounds} rounds per server (other work on the machine only slows a run down)`,
        `pinning: the server under test on CPU ${serverCpu} (taskset -a, all its threads), wrk on CPU ${loadCpu}; nginx and the edge take turns, the idle one waits on CPU ${serverCpu}`,
        "nginx 1 worker (master_process off), sendfile, tcp_nopush, open_file_cache, gzip off + gzip_static on with .gz files of gzip -9 beside the originals; the edge: its own process, fast path on, in-memory cache (precompressed gzip -9 and brotli) of files up to 1 MiB, larger ones streamed from disk",
        "server CPU/request: the server process's CPU time (all its threads) per answered request, the least over the rounds; it holds when the machine is shared, where req/s is capped by whatever CPU is left",
        "small and large: no Accept-Encoding (identity) to both; small gzip: Accept-Encoding: gzip to both",
      ];
      const details: Record<string, unknown> = { site: { ...site, remove: undefined }, rounds };
      for (const c of classes) {
        const edge = best(c.edge);
        const base = best(c.nginx);
        details[c.name] = { paths: c.paths, headers: c.headers, edge: c.edge, nginx: c.nginx };
        const bad = edge.bad + base.bad > 0 ? `${edge.bad} bad edge, ${base.bad} bad nginx responses` : undefined;
        const extra = { baselineLabel: "nginx", ...(bad ? { note: bad } : {}) };
        comparisons.push(
          compare({ metric: `${c.name} req/s`, unit: "req/s", value: edge.rps, baseline: base.rps, ...extra }),
          compare({ metric: `${c.name} p99 latency`, unit: "ms", value: edge.p99, baseline: base.p99, ...extra }),
          compare({
            metric: `${c.name} server CPU/request`,
            unit: "µs",
            value: leanest(c.edge),
            baseline: leanest(c.nginx),
            ...extra,
          }),
        );
        if (c.name === "large" || c.name === "medium") {
          comparisons.push(
            compare({
              metric: `${c.name} MiB/s`,
              unit: "MiB/s",
              value: edge.mbPerSec,
              baseline: base.mbPerSec,
              ...extra,
            }),
          );
        }
        notes.push(
          `${c.name}: server CPU during the best runs: edge ${edge.serverCores} cores, nginx ${base.serverCores} cores`,
        );
        if (bad) notes.push(`WARNING ${c.name}: ${bad} — the figures are not valid`);
      }
      return { name: "edge-static", comparisons, notes, details };
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  },
};

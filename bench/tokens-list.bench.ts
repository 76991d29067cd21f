// Authenticated GET /api/v1/teams/:teamId/tokens (bearer token: token lookup, membership,
// list query, response schema) under load, against a bare Fastify route sending the same JSON.
import { type CpuShare, cpuMeter } from "./lib/cpu.ts";
import { type LoadResult, loadgenDescription, measureLoad } from "./lib/load.ts";
import { postgresReachable } from "./lib/postgres.ts";
import { startTarget } from "./lib/proc.ts";
import { type Benchmark, type BenchResult, type Comparison, compare } from "./lib/report.ts";
import { settings } from "./lib/settings.ts";

type PlatformReady = { type: "ready"; url: string; path: string; secret: string };
type BareReady = { type: "ready"; url: string };
type Run = { load: LoadResult; cpu: CpuShare };

async function runStore(store: string): Promise<{ platform: Run; bare: Run; bodyBytes: number }> {
  const platform = await startTarget<PlatformReady>("bench/targets/platform-tokens.ts", {
    BENCH_STORE: store,
    BENCH_TOKENS: String(settings.tokens),
  });
  let bare: Awaited<ReturnType<typeof startTarget<BareReady>>> | null = null;
  try {
    const { url, path, secret } = platform.message;
    const headers = { authorization: `Bearer ${secret}` };
    const captured = await fetch(`${url}${path}`, { headers });
    const body = await captured.text();
    if (captured.status !== 200) throw new Error(`${path} answered ${captured.status}: ${body}`);
    const items = (JSON.parse(body) as { items: unknown[] }).items.length;
    if (items !== settings.tokens) throw new Error(`expected ${settings.tokens} tokens in the list, got ${items}`);

    bare = await startTarget<BareReady>("bench/targets/bare-fastify.ts", { BARE_BODY: body, BARE_PATH: path });
    const bareBody = await (await fetch(`${bare.message.url}${path}`)).text();
    if (bareBody.length !== body.length) throw new Error("the bare route does not send the captured body");

    const measure = async (target: { child: { pid?: number } }, base: string): Promise<Run> => {
      const stop = cpuMeter(target.child.pid ?? 0);
      const load = await measureLoad(`${base}${path}`, headers);
      return { load, cpu: stop() };
    };
    const platformRun = await measure(platform, url);
    const bareRun = await measure(bare, bare.message.url);
    return { platform: platformRun, bare: bareRun, bodyBytes: body.length };
  } finally {
    await Promise.all([platform.stop(), bare?.stop()]);
  }
}

function describeCpu(label: string, c: CpuShare): string {
  return `${label} ${c.server} server, ${c.postgres} postgres, ${c.loadGenerator} load generator, ${c.other} other, ${c.idle} idle`;
}

export const tokensList: Benchmark = {
  name: "tokens-list",
  describe: "GET /api/v1/teams/:teamId/tokens with a bearer token vs a bare Fastify route, PGlite and PostgreSQL",
  async run(): Promise<BenchResult> {
    const comparisons: Comparison[] = [];
    const notes = [
      `load: ${loadgenDescription()}`,
      `platform: ${settings.tokens} tokens in the team, logging silent, API rate limit lifted; baseline: Fastify 5, one route, no plugins`,
    ];
    const details: Record<string, unknown> = {};
    for (const store of settings.stores) {
      if (store === "postgres") {
        const reachable = await postgresReachable(settings.postgresUrl);
        if (!reachable.ok) {
          notes.push(`postgres skipped: ${reachable.reason}`);
          continue;
        }
      }
      console.log(`tokens-list: ${store}…`);
      const r = await runStore(store);
      details[store] = r;
      const bad = (l: LoadResult) => (l.non2xx + l.errors > 0 ? `${l.non2xx} non-2xx, ${l.errors} errors` : undefined);
      const note = bad(r.platform.load) ?? bad(r.bare.load);
      const base = { baselineLabel: "bare fastify", ...(note ? { note } : {}) };
      comparisons.push(
        compare({
          metric: `${store} req/s`,
          unit: "req/s",
          value: r.platform.load.rps,
          baseline: r.bare.load.rps,
          ...base,
        }),
        compare({
          metric: `${store} p99 latency`,
          unit: "ms",
          value: r.platform.load.p99,
          baseline: r.bare.load.p99,
          ...base,
        }),
      );
      notes.push(
        `${store}: response ${r.bodyBytes} bytes; CPU in cores during the runs ("other" is the rest of the machine):`,
      );
      notes.push(`  ${describeCpu("platform run:", r.platform.cpu)}`);
      notes.push(`  ${describeCpu("bare run:    ", r.bare.cpu)}`);
      if (note) notes.push(`  WARNING ${store}: ${note} — the figures are not valid`);
    }
    return { name: "tokens-list", comparisons, notes, details };
  },
};

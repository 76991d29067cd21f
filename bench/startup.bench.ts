// Time until /readyz answers 200 for the real server (main.ts) on an empty data dir (PGlite
// initdb, migrations, master key) and again on the same dir, against a bare Fastify process
// started the same way; and the resident memory of each once up.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Benchmark, type BenchResult, compare } from "./lib/report.ts";
import { settings } from "./lib/settings.ts";
import { type TimedStart, timeStart } from "./lib/spawn-timed.ts";
import { median } from "./lib/stats.ts";

const quiet = { SLIPWAY_LOG_LEVEL: "warn" };

export const startup: Benchmark = {
  name: "startup",
  describe: "first and second start of main.ts (PGlite) vs a bare Fastify process; RSS after start",
  async run(): Promise<BenchResult> {
    const runs: { first: TimedStart; second: TimedStart; bare: TimedStart }[] = [];
    const count = Math.max(1, settings.startRuns);
    for (let i = 0; i < count; i++) {
      console.log(`startup: run ${i + 1}/${count}…`);
      const dataDir = mkdtempSync(join(tmpdir(), "slipway-bench-"));
      try {
        const env = { ...quiet, SLIPWAY_DATA_DIR: dataDir };
        const first = await timeStart("packages/server/src/main.ts", env);
        const second = await timeStart("packages/server/src/main.ts", env);
        const bare = await timeStart("bench/targets/bare-fastify.ts", {});
        runs.push({ first, second, bare });
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    const m = (pick: (r: (typeof runs)[number]) => number) => median(runs.map(pick));
    const bareMs = m((r) => r.bare.readyMs);
    const bareRss = m((r) => r.bare.rssMiB);
    const bare = { baselineLabel: "bare fastify" };
    return {
      name: "startup",
      comparisons: [
        compare({
          metric: "first start (empty dir)",
          unit: "ms",
          value: m((r) => r.first.readyMs),
          baseline: bareMs,
          ...bare,
        }),
        compare({
          metric: "second start (same dir)",
          unit: "ms",
          value: m((r) => r.second.readyMs),
          baseline: bareMs,
          ...bare,
        }),
        compare({
          metric: "first start vs second",
          unit: "ms",
          value: m((r) => r.first.readyMs),
          baseline: m((r) => r.second.readyMs),
          baselineLabel: "second start",
        }),
        compare({
          metric: "RSS after first start",
          unit: "MiB",
          value: m((r) => r.first.rssMiB),
          baseline: bareRss,
          ...bare,
        }),
        compare({
          metric: "RSS after second start",
          unit: "MiB",
          value: m((r) => r.second.rssMiB),
          baseline: bareRss,
          ...bare,
        }),
      ],
      notes: [
        `median of ${count} run(s); each start is \`node --import tsx <file>\` (main.ts on PGlite, or a one-route Fastify app) timed from spawn to the first 200 from /readyz`,
        "RSS is VmRSS from /proc/<pid>/status 1 s after /readyz answered",
      ],
      details: runs,
    };
  },
};

// Deploys through the real API and edge: upload a .tar.gz → build in the sandbox → first 200
// from the deployment's URL. Compared within the same run: a warm dependency cache against a
// cold one, and an unchanged source (artifact reused) against a cold build.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createArchive } from "../packages/server/src/engines/builder/builder-fixtures.ts";
import { examplesDir, fetchFromEdge, waitForBuild } from "../packages/server/src/testing/deploy-fixtures.ts";
import {
  call,
  type Session,
  signUp,
  startTestPlatform,
  type TestPlatform,
} from "../packages/server/src/testing/harness.ts";
import { type Benchmark, type BenchResult, compare } from "./lib/report.ts";

type Deployed = { ms: number; cache: string; isReused: boolean };

async function deploy(platform: TestPlatform, user: Session, projectId: string, archive: string): Promise<Deployed> {
  const started = performance.now();
  const uploaded = await call(
    platform.url,
    "POST",
    `/api/v1/teams/${user.personalTeamId}/projects/${projectId}/uploads`,
    {
      cookie: user.cookie,
      body: readFileSync(archive),
      headers: { "content-type": "application/gzip" },
    },
  );
  if (uploaded.status !== 201) throw new Error(`upload failed: ${uploaded.status} ${JSON.stringify(uploaded.body)}`);
  const build = await waitForBuild(user, user.personalTeamId, uploaded.body.id, 20);
  if (build.status !== "succeeded") throw new Error(`build ${build.id} ${build.status}: ${build.error?.message}`);
  for (;;) {
    const res = await fetchFromEdge(platform.edgeUrl, build.deploymentUrl);
    if (res.status === 200) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { ms: performance.now() - started, cache: build.cache, isReused: build.isReused };
}

async function project(user: Session, name: string) {
  const res = await user.call("POST", `/api/v1/teams/${user.personalTeamId}/projects`, { name });
  return res.body.id as string;
}

async function setEnv(user: Session, projectId: string, value: string) {
  // A changed env var changes the source key: a real build, but the same lockfile (cache-eligible).
  await user.call("POST", `/api/v1/teams/${user.personalTeamId}/projects/${projectId}/env`, {
    key: `BENCH_${value}`,
    value,
    targets: ["preview"],
  });
}

export const deployBench: Benchmark = {
  name: "deploy",
  describe:
    "upload → build → first 200: static site; Vite rebuild with warm vs cold dependency cache; unchanged redeploy vs cold build",
  async run(): Promise<BenchResult> {
    const scratch = mkdtempSync(join(tmpdir(), "slipway-bench-deploy-"));
    const platform = await startTestPlatform("pglite", { apiRateLimit: 1e9 });
    try {
      const user = await signUp(platform.url);
      const staticArchive = await createArchive(scratch, join(examplesDir, "static-site"));
      const viteArchive = await createArchive(scratch, join(examplesDir, "vite-react"));

      console.log("deploy: static site, first and unchanged redeploy…");
      const staticProject = await project(user, "bench-static");
      const staticFirst = await deploy(platform, user, staticProject, staticArchive);
      const staticAgain = await deploy(platform, user, staticProject, staticArchive);

      console.log("deploy: Vite app, cold cache (npm ci from the registry)…");
      const viteProject = await project(user, "bench-vite");
      const viteCold = await deploy(platform, user, viteProject, viteArchive);
      console.log("deploy: Vite app, unchanged source…");
      const viteUnchanged = await deploy(platform, user, viteProject, viteArchive);
      console.log("deploy: Vite app, changed env with a warm cache…");
      await setEnv(user, viteProject, "warm");
      const viteWarm = await deploy(platform, user, viteProject, viteArchive);
      console.log("deploy: Vite app, changed env after clearing the cache…");
      await user.call("DELETE", `/api/v1/teams/${user.personalTeamId}/projects/${viteProject}/build-cache`);
      await setEnv(user, viteProject, "cold");
      const viteCleared = await deploy(platform, user, viteProject, viteArchive);

      return {
        name: "deploy",
        comparisons: [
          compare({
            metric: "static site: unchanged redeploy",
            unit: "ms",
            value: staticAgain.ms,
            baseline: staticFirst.ms,
            baselineLabel: "first deploy",
          }),
          compare({
            metric: "vite: rebuild, warm dependency cache",
            unit: "ms",
            value: viteWarm.ms,
            baseline: viteCleared.ms,
            baselineLabel: "cache cleared",
          }),
          compare({
            metric: "vite: unchanged source redeploy",
            unit: "ms",
            value: viteUnchanged.ms,
            baseline: viteCold.ms,
            baselineLabel: "cold build",
          }),
        ],
        notes: [
          `static first deploy ${staticFirst.ms.toFixed(0)} ms (cache ${staticFirst.cache}); vite cold ${viteCold.ms.toFixed(0)} ms (cache ${viteCold.cache})`,
          `vite warm rebuild cache=${viteWarm.cache}, after clearing cache=${viteCleared.cache}; unchanged redeploys reused=${staticAgain.isReused && viteUnchanged.isReused}`,
        ],
        details: { staticFirst, staticAgain, viteCold, viteUnchanged, viteWarm, viteCleared },
      };
    } finally {
      await platform.destroy();
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

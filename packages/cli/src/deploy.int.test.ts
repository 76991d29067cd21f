import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PlatformProcess, startPlatformProcess } from "@slipway/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkout as checkoutIn,
  fetchFromEdge,
  nodeProject as nodeProjectIn,
  type RunResult,
  signUpWithOwnerToken,
  spawnSlipway,
} from "./test-server.ts";

let server: PlatformProcess;
let scratch: string;
let teamId: string;
let env: Record<string, string>;
let slipway: (args: string[], options?: { cwd?: string; input?: string }) => Promise<RunResult>;

beforeAll(async () => {
  server = await startPlatformProcess();
  scratch = await mkdtemp(join(tmpdir(), "slipway-cli-deploy-"));
  const ada = await signUpWithOwnerToken(server.url, "Ada Lovelace", scratch);
  ({ env, slipway } = ada);
  teamId = ada.account.teamId;
});
afterAll(async () => {
  await server?.dispose();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const checkout = (name: string, example?: string) => checkoutIn(scratch, name, example);
const nodeProject = (name: string, script: string) => nodeProjectIn(scratch, name, script);

describe("slipway deploy", () => {
  it("uploads a directory as a preview, prints the build log and a URL the edge serves, and links it", async () => {
    const dir = await checkout("marketing-site", "static-site");
    await writeFile(join(dir, ".gitignore"), "*.log\n");
    await writeFile(join(dir, ".slipwayignore"), "drafts/\n");
    await mkdir(join(dir, "drafts"));
    await writeFile(join(dir, "drafts", "plan.html"), "<p>not yet</p>");
    await writeFile(join(dir, "debug.log"), "noise");

    const result = await slipway(["deploy", dir, "--yes"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("Created project marketing-site (marketing-site).");
    expect(result.stderr).toContain("settings: framework static");
    expect(result.stderr).toContain("Build succeeded.");
    expect(result.stdout).toMatch(/^http:\/\/\S+--marketing-site\.\S+\n$/);

    const url = result.stdout.trim();
    const home = await fetchFromEdge(server.edgeUrl, url);
    expect(home.status).toBe(200);
    expect(home.body).toBe(await readFile(join(dir, "index.html"), "utf8"));
    expect((await fetchFromEdge(server.edgeUrl, `${url}/about.html`)).status).toBe(200);
    expect((await fetchFromEdge(server.edgeUrl, `${url}/drafts/plan.html`)).status).toBe(404);
    expect((await fetchFromEdge(server.edgeUrl, `${url}/debug.log`)).status).toBe(404);

    const link = JSON.parse(await readFile(join(dir, ".slipway", "project.json"), "utf8"));
    expect(link).toEqual({ projectId: expect.stringMatching(/^prj_/), teamId });
    expect(await readFile(join(dir, ".gitignore"), "utf8")).toBe("*.log\n.slipway/\n");
  });

  it("--prod from a linked directory makes the production URL serve the new files", async () => {
    const dir = await checkout("docs-site", "static-site");
    const preview = await slipway(["deploy", dir, "--yes", "--json"]);
    expect(preview.code, preview.stderr).toBe(0);
    const { build } = JSON.parse(preview.stdout);
    expect(build).toMatchObject({ status: "succeeded", environment: "preview", trigger: "cli" });

    await writeFile(join(dir, "index.html"), "<h1>Version 2</h1>");
    const production = await slipway(["deploy", "--prod", "--json"], { cwd: dir });
    expect(production.code, production.stderr).toBe(0);
    expect(production.stderr).not.toContain("Created project");
    const { url, build: live } = JSON.parse(production.stdout);
    expect(live).toMatchObject({ status: "succeeded", environment: "production", projectId: build.projectId });
    expect(url).toMatch(/^http:\/\/docs-site\./);
    expect(await fetchFromEdge(server.edgeUrl, url)).toEqual({ status: 200, body: "<h1>Version 2</h1>" });
    // The preview keeps its own URL and files.
    expect((await fetchFromEdge(server.edgeUrl, build.deploymentUrl)).body).not.toContain("Version 2");
  });

  it("exits 1 naming the failing step; `builds logs` prints that log and `builds retry` fails the same way", async () => {
    const dir = await nodeProject("broken-app", "echo compiling && exit 1");
    const result = await slipway(["deploy", dir, "--yes"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("compiling\n");
    expect(result.stderr).toContain(
      "error: build #1 failed at step build: `npm run build` exited with code 1 (command_failed)",
    );
    const buildId = result.stderr.match(/slipway builds logs (bld_\w+)/)?.[1];
    if (!buildId) throw new Error(`no build id in:\n${result.stderr}`);

    const logs = await slipway(["builds", "logs", buildId]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain("$ npm run build\n");
    expect(logs.stdout).toContain("compiling\n");
    expect(logs.stderr).toContain("Build #1 failed at step build");

    const retry = await slipway(["builds", "retry", buildId]);
    expect(retry.code).toBe(1);
    expect(retry.stderr).toContain("compiling\n");
    expect(retry.stderr).toContain("error: build #2 failed at step build");
    const list = JSON.parse((await slipway(["builds", "ls", "--json"], { cwd: dir })).stdout);
    expect(list.items.map((b: { number: number; trigger: string }) => `${b.number}:${b.trigger}`)).toEqual([
      "2:retry",
      "1:cli",
    ]);
  });

  it("stops following on Ctrl-C without stopping the build, which `builds logs --follow` picks up", async () => {
    const dir = await nodeProject("slow-app", "echo started && sleep 3 && mkdir -p dist && echo ok > dist/index.html");
    const run = spawnSlipway(["deploy", dir, "--yes"], { env });
    await waitUntil(() => run.stderr().includes("started\n"));
    run.child.kill("SIGINT");
    const stopped = await run.result;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain("Stopped following. The build goes on on the server.");
    const buildId = stopped.stderr.match(/slipway builds logs (bld_\w+) --follow/)?.[1];
    if (!buildId) throw new Error(`no build id in:\n${stopped.stderr}`);

    const followed = await slipway(["builds", "logs", buildId, "--follow"]);
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toContain("started\n");
    expect(followed.stdout).toContain("Build succeeded.\n");
    expect(followed.stderr).toMatch(/Build #1 succeeded in \d/);
  });

  it("will not create a project unasked when nobody is there to answer", async () => {
    const dir = await checkout("unattended", "static-site");
    const result = await slipway(["deploy", dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: ${dir} is not linked to a project`);
    expect(result.stderr).toContain(
      'hint: pass --project <id|slug> to deploy to an existing project, or --yes to create "unattended"',
    );
    await expect(stat(join(dir, ".slipway"))).rejects.toThrow(/ENOENT/);
  });
});

async function waitUntil(isDone: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isDone()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

import { execFileSync } from "node:child_process";
import { cp, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { type PlatformProcess, startPlatformProcess } from "@slipway/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkout,
  examplesDir,
  fetchFromEdge,
  nodeProject,
  type RunResult,
  signUpWithOwnerToken,
} from "./test-server.ts";

let server: PlatformProcess;
let scratch: string;
let slipway: (args: string[], options?: { cwd?: string; input?: string }) => Promise<RunResult>;

beforeAll(async () => {
  server = await startPlatformProcess();
  scratch = await mkdtemp(join(tmpdir(), "slipway-cli-projects-"));
  ({ slipway } = await signUpWithOwnerToken(server.url, "Grace Hopper", scratch));
});
afterAll(async () => {
  await server?.dispose();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Runs a command that must succeed and returns its stdout. */
async function ok(args: string[], options: { cwd?: string; input?: string } = {}): Promise<string> {
  const result = await slipway(args, options);
  expect(result.code, `slipway ${args.join(" ")}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

describe("slipway projects", () => {
  it("creates a project from a git repository's folder, lists it, and deletes it by slug", async () => {
    const repo = await checkout(scratch, "repo");
    await cp(join(examplesDir, "static-site"), join(repo, "site"), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=Grace", "-c", "user.email=grace@example.com", ...args], { cwd: repo });
    git("init", "-q", "-b", "trunk");
    git("add", ".");
    git("commit", "-q", "-m", "site");

    const created = JSON.parse(
      await ok([
        "projects",
        "create",
        "Navy Site",
        "--git",
        `file://${repo}`,
        "--branch",
        "trunk",
        "--root-dir",
        "site",
        "--json",
      ]),
    );
    expect(created).toMatchObject({
      name: "Navy Site",
      slug: "navy-site",
      git: { url: `file://${repo}`, branch: "trunk", rootDir: "site" },
      settings: { framework: "static" },
    });
    expect(await ok(["projects", "ls"])).toMatch(
      new RegExp(`^ +navy-site +Navy Site +file://\\S+#trunk +\\(not deployed\\) .*${created.id}$`, "m"),
    );

    expect(await ok(["projects", "rm", "navy-site"])).toBe(`Deleted project navy-site (${created.id}).\n`);
    const after = JSON.parse(await ok(["projects", "ls", "--json"]));
    expect(after.items.map((project: { id: string }) => project.id)).not.toContain(created.id);
  });

  it("refuses --branch without --git before asking the server", async () => {
    const result = await slipway(["projects", "create", "x", "--branch", "main"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: --branch and --root-dir need --git");
  });
});

describe("slipway env", () => {
  it("adds variables the next deployment builds with, lists them, pulls them, and removes one target", async () => {
    const dir = await nodeProject(scratch, "env-app", 'mkdir -p dist && echo "greeting=$GREETING" > dist/index.html');
    await ok(["deploy", "--yes"], { cwd: dir });

    await ok(["env", "add", "GREETING", "hello"], { cwd: dir });
    const sensitive = await ok(["env", "add", "API_KEY", "--sensitive"], { cwd: dir, input: "s3cret\n" });
    expect(sensitive).toBe("Added sensitive variable API_KEY to env-app for production, preview.\n");
    await ok(["env", "add", "MULTI", "--target", "development"], { cwd: dir, input: 'line 1\nit\'s "two"\n' });
    const clash = await slipway(["env", "add", "GREETING", "again", "--target", "preview"], { cwd: dir });
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain("GREETING already has a value for preview");

    const listed = JSON.parse(await ok(["env", "ls", "--json"], { cwd: dir }));
    expect(
      listed.items.map((v: { key: string; value: string | null; targets: string[] }) => [v.key, v.value, v.targets]),
    ).toEqual([
      ["API_KEY", null, ["production", "preview"]],
      ["GREETING", "hello", ["production", "preview", "development"]],
      ["MULTI", 'line 1\nit\'s "two"', ["development"]],
    ]);
    expect(await ok(["env", "ls"], { cwd: dir })).toMatch(/^API_KEY +\(sensitive\) +production,preview /m);

    const pulled = await slipway(["env", "pull"], { cwd: dir });
    expect(pulled.code, pulled.stderr).toBe(0);
    const file = join(dir, ".env.local");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(parseEnv(await readFile(file, "utf8"))).toEqual({ GREETING: "hello", MULTI: 'line 1\nit\'s "two"' });
    const preview = await slipway(["env", "pull", "preview.env", "--target", "preview"], { cwd: dir });
    expect(preview.stderr).toContain("Left out sensitive API_KEY: their values cannot be read back.");
    expect(parseEnv(await readFile(join(dir, "preview.env"), "utf8"))).toEqual({ GREETING: "hello" });

    const deployed = await slipway(["deploy"], { cwd: dir });
    expect(deployed.code, deployed.stderr).toBe(0);
    expect((await fetchFromEdge(server.edgeUrl, deployed.stdout.trim())).body).toBe("greeting=hello\n");

    await ok(["env", "rm", "GREETING", "--target", "development"], { cwd: dir });
    await ok(["env", "pull"], { cwd: dir });
    expect(parseEnv(await readFile(file, "utf8"))).toEqual({ MULTI: 'line 1\nit\'s "two"' });
  });

  it("will not overwrite a dotenv file it did not write unless told to", async () => {
    const dir = await checkout(scratch, "handwritten", "static-site");
    await ok(["deploy", "--yes"], { cwd: dir });
    await writeFile(join(dir, ".env.local"), "MINE=1\n");
    const refused = await slipway(["env", "pull"], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("exists and was not written by slipway");
    expect(await readFile(join(dir, ".env.local"), "utf8")).toBe("MINE=1\n");
    await ok(["env", "pull", "--yes"], { cwd: dir });
  });
});

describe("slipway deployments", () => {
  it("rolls production back to the previous deployment, and promote puts the newer one back", async () => {
    const dir = await checkout(scratch, "versions", "static-site");
    await writeFile(join(dir, "index.html"), "v1");
    const first = JSON.parse(await ok(["deploy", "--prod", "--yes", "--json"], { cwd: dir }));
    await writeFile(join(dir, "index.html"), "v2");
    const second = JSON.parse(await ok(["deploy", "--prod", "--json"], { cwd: dir }));
    const productionUrl = second.url;
    expect((await fetchFromEdge(server.edgeUrl, productionUrl)).body).toBe("v2");

    const table = await ok(["deployments", "ls"], { cwd: dir });
    expect(table).toMatch(new RegExp(`^\\* +${second.build.deploymentId} +production `, "m"));
    expect(table).toMatch(new RegExp(`^ +${first.build.deploymentId} +production `, "m"));

    const rollback = await ok(["deployments", "rollback"], { cwd: dir });
    expect(rollback).toContain(`Rolled back production to ${first.build.deploymentId}`);
    expect(rollback).toContain(productionUrl);
    expect((await fetchFromEdge(server.edgeUrl, productionUrl)).body).toBe("v1");

    await ok(["deployments", "promote", second.build.deploymentId]);
    expect((await fetchFromEdge(server.edgeUrl, productionUrl)).body).toBe("v2");
  });

  it("says how to name a project when the directory is not linked", async () => {
    const result = await slipway(["deployments", "ls"], { cwd: scratch });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: no project given, and this directory is not linked to one");
  });
});

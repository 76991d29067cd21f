import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeploymentRuntime, RuntimeLogLine } from "@slipway/contracts";
import { type PlatformProcess, startPlatformProcess } from "@slipway/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Account,
  browserCall,
  checkout,
  type RunResult,
  signUpWithOwnerToken,
  spawnSlipway,
} from "./test-server.ts";

let server: PlatformProcess;
let scratch: string;
let env: Record<string, string>;
let account: Account;
let slipway: (args: string[], options?: { cwd?: string; input?: string }) => Promise<RunResult>;

beforeAll(async () => {
  server = await startPlatformProcess();
  scratch = await mkdtemp(join(tmpdir(), "slipway-cli-apps-"));
  ({ env, slipway, account } = await signUpWithOwnerToken(server.url, "Katherine Johnson", scratch));
});
afterAll(async () => {
  await server?.dispose();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Runs a command that must succeed and returns its stdout. */
async function ok(args: string[], options: { cwd?: string } = {}): Promise<string> {
  const result = await slipway(args, options);
  expect(result.code, `slipway ${args.join(" ")}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

describe("slipway logs, instances, scale and restart", () => {
  it("shows a deployed server app's instances and logs, follows its log while it scales, and restarts it", async () => {
    const dir = await checkout(scratch, "orbit-api", "node-server");
    const deployed = JSON.parse(await ok(["deploy", "--prod", "--yes", "--json"], { cwd: dir }));
    const deploymentId: string = deployed.build.deploymentId;

    const table = await ok(["instances"], { cwd: dir });
    expect(table).toContain(`${deploymentId} is running (1 instance wanted).`);
    expect(table).toMatch(/^ID +STATE +UPTIME +RESTARTS +CPU +MEMORY +INFLIGHT/m);
    expect(table).toMatch(/^ins_\w+ +healthy +\d+s +0 /m);
    const first = runtimeOf(await ok(["instances", "--json"], { cwd: dir }));
    expect(first.instances).toHaveLength(1);
    const firstId = first.instances[0]?.id as string;

    const log = await ok(["logs"], { cwd: dir });
    expect(log).toMatch(new RegExp(`^\\S+Z  ${firstId.slice(4, 12)}  listening on \\d+$`, "m"));
    expect(log).toMatch(/ {2}\[slipway\] Instance ins_\w+ is healthy$/m);

    const following = spawnSlipway(["logs", "--follow"], { env, cwd: dir });
    await waitUntil(() => count(following.stdout(), "listening on") === 1);

    const tooMany = await slipway(["scale", "2"], { cwd: dir });
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain("error: project orbit-api runs at most 1 instance of a deployment");
    // No CLI command edits runtime settings yet: the dashboard's call.
    const projectPath = `/api/v1/teams/${account.teamId}/projects/${deployed.build.projectId}`;
    await browserCall(server.url, "PATCH", projectPath, account.cookie, { runtime: { maxInstances: 2 } });
    const scaled = await ok(["scale", "2"], { cwd: dir });
    expect(scaled).toContain(`${deploymentId} is running (2 instances wanted).`);
    await waitUntil(() => count(following.stdout(), "listening on") === 2);
    await waitUntil(() => count(following.stdout(), "is healthy") === 2);
    expect(following.stdout()).toMatch(/\[slipway\] Starting instance ins_\w+ on port \d+/);
    following.child.kill("SIGINT");
    const stopped = await following.result;
    expect(stopped.code, stopped.stderr).toBe(0);

    const two = runtimeOf(await ok(["instances", deploymentId, "--json"]));
    expect(two.instances.map((instance) => instance.state)).toEqual(["healthy", "healthy"]);
    const second = two.instances.find((instance) => instance.id !== firstId);
    if (!second) throw new Error("no second instance");

    const own = (await ok(["logs", "--instance", second.id.slice(4, 12), "--json"], { cwd: dir }))
      .trim()
      .split("\n")
      .map((text) => JSON.parse(text) as RuntimeLogLine);
    expect(own.map((line) => line.instanceId)).toEqual(own.map(() => second.id));
    expect(own.map((line) => line.text)).toContainEqual(expect.stringMatching(/^listening on \d+$/));
    const listening = await ok(["logs", "--stream", "stdout", "--grep", "LISTENING"], { cwd: dir });
    expect(listening.trim().split("\n")).toHaveLength(2);

    const restarted = runtimeOf(await ok(["restart", "--json"], { cwd: dir }));
    const live = restarted.instances.filter((instance) => instance.state === "healthy");
    expect(live).toHaveLength(2);
    expect(live.map((instance) => instance.id)).not.toContain(firstId);
    expect(live.map((instance) => instance.id)).not.toContain(second.id);
  });

  it("says that a static site has no runtime logs, and what to do when nothing is in production", async () => {
    const site = await checkout(scratch, "brochure", "static-site");
    await ok(["deploy", "--prod", "--yes"], { cwd: site });
    const logs = await slipway(["logs"], { cwd: site });
    expect(logs.code).toBe(1);
    expect(logs.stderr).toMatch(
      /^error: deployment dpl_\w+ serves static files: runtime logs exist for server apps only$/m,
    );
    const instances = await slipway(["instances"], { cwd: site });
    expect(instances.stderr).toContain("instances exist for server apps only");

    await ok(["projects", "create", "Empty Orbit"]);
    const empty = await slipway(["logs", "--project", "empty-orbit"]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("error: project empty-orbit has nothing in production yet");
    expect(empty.stderr).toContain("hint: deploy it with `slipway deploy --prod`");
  });
});

function runtimeOf(stdout: string): DeploymentRuntime & { deploymentId: string } {
  return JSON.parse(stdout);
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

async function waitUntil(isDone: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isDone()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

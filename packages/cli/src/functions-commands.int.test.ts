import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FunctionVersion, InvocationDetail, InvokeResult, ServerlessFunction } from "@slipway/contracts";
import { type PlatformProcess, startPlatformProcess } from "@slipway/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeProjectLink } from "./project-link.ts";
import { checkout, type RunResult, signUpWithOwnerToken, spawnSlipway } from "./test-server.ts";

let server: PlatformProcess;
let scratch: string;
let env: Record<string, string>;
let slipway: (args: string[], options?: { cwd?: string; input?: string }) => Promise<RunResult>;
/** A checkout linked to project "shop", holding the function's folder `hello/`. */
let projectDir: string;
let functionDir: string;

beforeAll(async () => {
  server = await startPlatformProcess();
  scratch = await mkdtemp(join(tmpdir(), "slipway-cli-functions-"));
  const ada = await signUpWithOwnerToken(server.url, "Grace Hopper", scratch);
  ({ env, slipway } = ada);
  const created = JSON.parse(await ok(["projects", "create", "Shop", "--json"]));
  projectDir = await checkout(scratch, "shop");
  await writeProjectLink(projectDir, { projectId: created.id, teamId: ada.account.teamId });
  functionDir = join(projectDir, "hello");
  await mkdir(functionDir);
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

/** A handler that echoes the JSON it is sent, says which version it is, and logs a line. */
function handler(version: number): string {
  return `export default async function handler(request) {
  const text = await request.text();
  console.log(\`version ${version} got \${request.method} \${text}\`);
  return Response.json({ version: ${version}, echo: text ? JSON.parse(text) : null });
}
`;
}

describe("slipway functions", () => {
  it("deploys a new Node function from its folder as version 1 and prints its URL", async () => {
    await writeFile(join(functionDir, "index.mjs"), handler(1));
    const result = await slipway(["functions", "deploy", "hello"], { cwd: projectDir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("Creating function hello in shop (node, entry index.mjs)");
    expect(result.stderr).toMatch(/Deployed hello version 1 \(node, packaged/);
    expect(result.stdout).toMatch(/^http:\/\/hello--shop\.\S+\n$/);
  });

  it("invokes it: the response body on stdout, the report and the log on stderr", async () => {
    const result = await slipway(["functions", "invoke", "hello", "--project", "shop", "--data", '{"name":"Ada"}']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ version: 1, echo: { name: "Ada" } });
    expect(result.stderr).toMatch(/REPORT inv_\S+ +v1 api +succeeded 200 +duration [\d.]+ m?s +(cold|warm)/);
    expect(result.stderr).toContain('  version 1 got POST {"name":"Ada"}');

    const json: InvokeResult = JSON.parse(await ok(["functions", "invoke", "hello", "--project", "shop", "--json"]));
    expect(json.response?.status).toBe(200);
    expect(JSON.parse(json.response?.body ?? "")).toEqual({ version: 1, echo: null });
    expect(json.invocation).toMatchObject({ status: "succeeded", method: "GET", isColdStart: false });
  });

  it("uploads a second version as a .tar.gz without node_modules, and production moves to it", async () => {
    await writeFile(join(functionDir, "index.mjs"), handler(2));
    await mkdir(join(functionDir, "node_modules", "left-out"), { recursive: true });
    await writeFile(join(functionDir, "node_modules", "left-out", "index.js"), "this is not JavaScript(");
    const deployed = JSON.parse(
      await ok(["functions", "deploy", "hello", "--json", "--memory", "256"], { cwd: projectDir }),
    );
    expect(deployed.version).toMatchObject({ number: 2, status: "ready", isProduction: true });
    expect(deployed.function).toMatchObject({ productionVersion: 2, settings: { memoryMb: 256 } });

    const body = await ok(["functions", "invoke", "hello", "--project", "shop"]);
    expect(JSON.parse(body).version).toBe(2);
  });

  it("exits 1 with Node's message when the new code does not parse, and production keeps serving", async () => {
    await writeFile(join(functionDir, "index.mjs"), "export default async function handler( {\n");
    const result = await slipway(["functions", "deploy", "hello"], { cwd: projectDir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("error: version 3 of hello did not deploy:");
    expect(result.stderr).toContain("SyntaxError");
    expect(result.stderr).toContain("Production still serves version 2.");

    const body = await ok(["functions", "invoke", "hello", "--project", "shop"]);
    expect(JSON.parse(body).version).toBe(2);
  });

  it("lists the versions with the one in production, and rolls back to the previous ready one", async () => {
    const table = await ok(["functions", "versions", "hello", "--project", "shop"]);
    expect(table).toMatch(/^ +v3 +failed +index\.mjs .*syntax error: .*SyntaxError: /m);
    expect(table).toMatch(/^\* +v2 +ready +index\.mjs/m);
    expect(table).toMatch(/^ +v1 +ready +index\.mjs/m);
    const { items }: { items: FunctionVersion[] } = JSON.parse(
      await ok(["functions", "versions", "hello", "--project", "shop", "--json"]),
    );
    expect(items.map((version) => `${version.number}:${version.status}:${version.isProduction}`)).toEqual([
      "3:failed:false",
      "2:ready:true",
      "1:ready:false",
    ]);

    const rolledBack = await ok(["functions", "rollback", "hello", "--project", "shop"]);
    expect(rolledBack).toContain("hello serves version 1 now (was 2).");
    expect(JSON.parse(await ok(["functions", "invoke", "hello", "--project", "shop"])).version).toBe(1);

    const forward = JSON.parse(
      await ok(["functions", "rollback", "hello", "--project", "shop", "--to", "2", "--json"]),
    );
    expect(forward.function.productionVersion).toBe(2);
  });

  it("lists the project's functions with their last 24 hours", async () => {
    const table = await ok(["functions", "ls"], { cwd: projectDir });
    expect(table).toMatch(/^NAME +RUNTIME +VERSION +LAST INVOCATION +24H +ERRORS +URL$/m);
    expect(table).toMatch(/^hello +node +v2 +\d+[smh] ago +[1-9]\d* +[\d.]+% +http:\/\/hello--shop\./m);
    const { items }: { items: ServerlessFunction[] } = JSON.parse(
      await ok(["functions", "ls", "--json"], { cwd: projectDir }),
    );
    expect(items.map((fn) => fn.name)).toEqual(["hello"]);
  });

  it("shows past invocations with their reports and logs, and follows new ones, async included", async () => {
    const log = await ok(["functions", "logs", "hello", "--project", "shop"]);
    expect(log).toMatch(/REPORT inv_\S+ +v1 api +succeeded 200 +duration /);
    expect(log).toContain('  version 1 got POST {"name":"Ada"}');
    const lines: InvocationDetail[] = (await ok(["functions", "logs", "hello", "--project", "shop", "--json"]))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.find((invocation) => invocation.method === "POST")).toMatchObject({
      status: "succeeded",
      versionNumber: 1,
      logs: ['version 1 got POST {"name":"Ada"}'],
    });

    const following = spawnSlipway(["functions", "logs", "hello", "--project", "shop", "--follow", "--limit", "1"], {
      env,
    });
    await waitUntil(() => following.stdout().includes("REPORT"));
    const queuedId = (
      await ok(["functions", "invoke", "hello", "--project", "shop", "--async", "-d", '"later"'])
    ).trim();
    expect(queuedId).toMatch(/^inv_\S+$/);
    await waitUntil(() => following.stdout().includes(`REPORT ${queuedId}`));
    await waitUntil(() => following.stdout().includes('version 2 got POST "later"'));
    following.child.kill("SIGINT");
    const stopped = await following.result;
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(new RegExp(`REPORT ${queuedId} +v2 \\w+ +succeeded 200`));
  });
});

async function waitUntil(isDone: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isDone()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

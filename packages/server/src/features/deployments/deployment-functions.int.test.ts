import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyExample, createArchive, createBareRepository, writeTree } from "../../engines/builder/builder-fixtures.ts";
import {
  buildAndWait,
  createExampleProject,
  examplesDir,
  fetchFromEdge,
  waitForBuild,
} from "../../testing/deploy-fixtures.ts";
import { call, type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";
import { waitFor } from "../../testing/test-store.ts";

type LogLine = { instanceId: string; stream: string; text: string };

/** A deployment's api/ functions, from a real build in the sandbox to the edge and the runtime logs. */
describe.each(testStores)("deployment functions on %s", (store) => {
  let platform: TestPlatform;
  let user: Session;
  let teamId: string;
  let scratch: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
  let project: any;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
  let first: any;

  beforeAll(async () => {
    platform = await startTestPlatform(store);
    user = await signUp(platform.url);
    teamId = user.personalTeamId;
    scratch = mkdtempSync(join(tmpdir(), "slipway-api-"));
    project = await createExampleProject(user, teamId, "Site With Api", "static-with-api");
    const env = await user.call("POST", `/api/v1/teams/${teamId}/projects/${project.id}/env`, {
      key: "GREETING",
      value: "Hi",
      targets: ["production", "preview"],
    });
    expect(env.status, JSON.stringify(env.body)).toBe(201);
    first = await buildAndWait(user, teamId, project.id);
    expect(first.status, JSON.stringify(first.error)).toBe("succeeded");
  });
  afterAll(() => platform?.destroy());

  const get = (url: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
    fetchFromEdge(platform.edgeUrl, url, init);
  const logsOf = async (deploymentId: string): Promise<LogLine[]> => {
    const res = await user.call("GET", `/api/v1/teams/${teamId}/deployments/${deploymentId}/logs?limit=5000`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.lines;
  };
  /** Waits for a runtime log line of `instanceId` matching `pattern`. */
  const waitForLine = (deploymentId: string, instanceId: string, pattern: RegExp) =>
    waitFor(`a log line of ${instanceId} matching ${pattern}`, async () =>
      (await logsOf(deploymentId)).find((line) => line.instanceId === instanceId && pattern.test(line.text)),
    );

  it("serves the static page and each api/ function on the deployment's own URL and production", async () => {
    const home = await get(project.productionUrl);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Static site with functions");

    for (const url of [project.productionUrl, first.deploymentUrl]) {
      const hello = await get(`${url}/api/hello?name=x`);
      expect(hello.status).toBe(200);
      expect(hello.headers.get("x-slipway-invocation-id")).toMatch(/^inv_/);
      // The greeting comes from the project's env var, sealed with the deployment.
      expect(await hello.json()).toMatchObject({
        message: "Hi, x!",
        method: "GET",
        runtime: expect.stringMatching(/^node v/),
      });
    }
    const posted = await get(`${project.productionUrl}/api/hello?name=poster`, { method: "POST" });
    expect(await posted.json()).toMatchObject({ message: "Hi, poster!", method: "POST" });

    const time = await get(`${project.productionUrl}/api/time`);
    expect(time.status).toBe(200);
    const body = (await time.json()) as { unix: number; python: string };
    expect(Math.abs(body.unix * 1000 - Date.now())).toBeLessThan(60_000);
    expect(body.python).toMatch(/^3\./);
  });

  it("never serves the functions' sources or their packaged files as static files", async () => {
    for (const path of [
      "/api/hello.js",
      "/api/_greeting.js",
      "/api/_greeting",
      "/api/time.py",
      "/.slipway/functions/manifest.json",
      "/.slipway/functions/hello/hello.js",
      "/.slipway/functions/time/time.py",
      "/.slipway/",
      "/.slipway",
    ]) {
      const res = await get(`${project.productionUrl}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("x-slipway-invocation-id"), path).toBeNull();
      const text = await res.text();
      // What the sources and the manifest hold; the 404 page only names the path.
      for (const content of ["export ", "def handler", '"runtime"']) expect(text, path).not.toContain(content);
    }
  });

  it("writes each invocation's output and a REPORT line to the deployment's runtime logs", async () => {
    const res = await get(`${project.productionUrl}/api/hello?name=logged`);
    const invocationId = res.headers.get("x-slipway-invocation-id");
    await waitForLine(first.deploymentId, "api/hello", /^greeting logged$/);
    const report = await waitForLine(
      first.deploymentId,
      "api/hello",
      new RegExp(`^REPORT RequestId: ${invocationId}\\t`),
    );
    expect(report.stream).toBe("system");
    expect(report.text).toContain("Function: /api/hello\tStatus: 200\tOutcome: ok\tDuration: ");
    expect(report.text).toContain("Memory Size: 128 MB");

    await get(`${project.productionUrl}/api/time`);
    await waitForLine(first.deploymentId, "api/time", /^time asked with GET$/);
    await waitForLine(first.deploymentId, "api/time", /^REPORT RequestId: inv_\S+\tFunction: \/api\/time\tStatus: 200/);
  });

  it("answers 500 with the request id when a handler throws, the stack only in the logs", async () => {
    const res = await get(`${project.productionUrl}/api/hello?name=boom`);
    expect(res.status).toBe(500);
    const invocationId = res.headers.get("x-slipway-invocation-id");
    expect(invocationId).toMatch(/^inv_/);
    const text = await res.text();
    expect(text).toContain(invocationId);
    expect(text).not.toContain("asked to fail");
    const stack = await waitForLine(first.deploymentId, "api/hello", /asked to fail/);
    expect(stack.stream).toBe("stderr");
    await waitForLine(
      first.deploymentId,
      "api/hello",
      new RegExp(`^REPORT RequestId: ${invocationId}\\t.*Status: 500`),
    );
    // The function keeps answering.
    expect((await get(`${project.productionUrl}/api/hello`)).status).toBe(200);
  });

  it("fails the build with the parser's message when an api/ file has a syntax error, production untouched", async () => {
    const source = join(scratch, "broken");
    await copyExample(join(examplesDir, "static-with-api"), source);
    await writeTree(source, { "api/broken.py": "def handler(request:\n    return {}\n" });
    const upload = await call(
      platform.url,
      "POST",
      `/api/v1/teams/${teamId}/projects/${project.id}/uploads?environment=production`,
      {
        cookie: user.cookie,
        body: readFileSync(await createArchive(scratch, source)),
        headers: { "content-type": "application/gzip" },
      },
    );
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);
    const failed = await waitForBuild(user, teamId, upload.body.id);
    expect(failed).toMatchObject({
      status: "failed",
      deploymentId: null,
      error: { step: "package", reason: "function_invalid" },
    });
    expect(failed.error.message).toMatch(/^api\/broken\.py: syntax error:/);
    expect(failed.error.message).toContain("SyntaxError");
    const log = await user.call("GET", `/api/v1/teams/${teamId}/builds/${failed.id}/logs`);
    expect(log.body.lines.map((line: { text: string }) => line.text).join("\n")).toContain("api/broken.py");

    const served = await get(`${project.productionUrl}/api/hello?name=still`);
    expect(served.headers.get("x-slipway-deployment")).toBe(first.deploymentId);
    expect(await served.json()).toMatchObject({ message: "Hi, still!" });
    expect((await get(project.productionUrl)).headers.get("x-slipway-deployment")).toBe(first.deploymentId);
  });

  it("sends /api/<name> of an app deployment to the function when it exists, and the rest to the app", async () => {
    const source = join(scratch, "app-with-api");
    await copyExample(join(examplesDir, "node-server"), source);
    await writeTree(source, {
      "api/ping.mjs": "export default (request) => Response.json({ pong: new URL(request.url).pathname });\n",
    });
    const { bare } = await createBareRepository(scratch, source, "app-with-api");
    const created = await user.call("POST", `/api/v1/teams/${teamId}/projects`, {
      name: "App With Api",
      git: { url: `file://${bare}`, branch: "main" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const built = await buildAndWait(user, teamId, created.body.id);
    expect(built.status, JSON.stringify(built.error)).toBe("succeeded");
    const url = created.body.productionUrl;

    const ping = await get(`${url}/api/ping`);
    expect(ping.status).toBe(200);
    expect(ping.headers.get("x-slipway-invocation-id")).toMatch(/^inv_/);
    expect(await ping.json()).toEqual({ pong: "/api/ping" });
    const app = await get(url);
    expect(await app.text()).toBe("slipway example node-server v1");
    // No such function: the app answers, as it would without functions.
    const other = await get(`${url}/api/other`);
    expect(other.status).toBe(404);
    expect(other.headers.get("x-slipway-invocation-id")).toBeNull();
    expect(await other.text()).toBe("not found");
    await waitForLine(built.deploymentId, "api/ping", /^REPORT RequestId: inv_\S+\tFunction: \/api\/ping\tStatus: 200/);
  });
});

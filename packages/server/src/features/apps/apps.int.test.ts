import { request } from "node:http";
import { request as httpsRequest } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAndWait, createExampleProject, fetchFromEdge } from "../../testing/deploy-fixtures.ts";
import { type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";
import { waitFor } from "../../testing/test-store.ts";

/** Server apps end to end: built from examples/, run in the sandbox, reached through the edge. */
describe.each(testStores)("server apps on %s", (store) => {
  let platform: TestPlatform;
  let user: Session;
  let teamId: string;

  beforeAll(async () => {
    platform = await startTestPlatform(store);
    user = await signUp(platform.url);
    teamId = user.personalTeamId;
  });
  afterAll(() => platform?.destroy());

  const createProject = (name: string, example: string, extra: Record<string, unknown> = {}) =>
    createExampleProject(user, teamId, name, example, extra);
  const build = (projectId: string) => buildAndWait(user, teamId, projectId);

  it("runs a Node server in the sandbox behind the edge, with its env, logs and instances", async () => {
    const project = await createProject("Node Server", "node-server");
    expect(project.settings).toMatchObject({ framework: "node-server", startCommand: "node server.js" });
    await user.call("POST", `/api/v1/teams/${teamId}/projects/${project.id}/env`, {
      key: "GREETING",
      value: "hello from env",
      targets: ["production"],
    });
    const done = await build(project.id);
    expect(done.status, JSON.stringify(done.error)).toBe("succeeded");
    expect(done.steps.find((s: { id: string }) => s.id === "deploy")).toMatchObject({ status: "succeeded" });

    const home = await fetchFromEdge(platform.edgeUrl, project.productionUrl);
    expect(home.status).toBe(200);
    expect(await home.text()).toBe("slipway example node-server v1");
    const env = await fetchFromEdge(platform.edgeUrl, `${project.productionUrl}/env/GREETING`);
    expect(await env.text()).toContain("hello from env");
    // The platform's own environment never reaches the app.
    const leaked = await fetchFromEdge(platform.edgeUrl, `${project.productionUrl}/env/SLIPWAY_MASTER_KEY`);
    expect(await leaked.text()).not.toMatch(/[A-Za-z0-9+/]{20,}/);

    const headers = await fetchFromEdge(platform.edgeUrl, `${project.productionUrl}/headers`, {
      headers: { "x-forwarded-for": "6.6.6.6", "x-forwarded-proto": "https" },
    });
    const seen = (await headers.json()) as Record<string, string>;
    expect(seen["x-forwarded-for"]).toBe("127.0.0.1");
    expect(seen["x-forwarded-proto"]).toBe("http");
    expect(seen["x-forwarded-host"]).toBe(new URL(project.productionUrl).host);

    // Over HTTPS (the edge's default certificate), the app is told so.
    const overTls = await httpsGet(platform.edgeTlsUrl, `${project.productionUrl}/headers`);
    expect(overTls.status).toBe(200);
    expect(JSON.parse(overTls.body)["x-forwarded-proto"]).toBe("https");

    // A streamed response arrives chunk by chunk, not all at the end.
    const arrivals = await streamArrivals(platform.edgeUrl, `${project.productionUrl}/stream?chunks=4&interval=150`);
    expect(arrivals.chunks.join("")).toContain("chunk 4 of 4");
    expect(arrivals.firstAt).toBeLessThan(arrivals.endAt - 300);

    const echo = await postThroughEdge(platform.edgeUrl, `${project.productionUrl}/echo`, "a body to echo");
    expect(echo).toContain("a body to echo");
    const write = await fetchFromEdge(platform.edgeUrl, `${project.productionUrl}/write`);
    expect(write.status).toBe(200);

    const runtime = await user.call("GET", `/api/v1/teams/${teamId}/deployments/${done.deploymentId}/instances`);
    expect(runtime.status).toBe(200);
    expect(runtime.body.state).toBe("running");
    expect(runtime.body.instances).toHaveLength(1);
    expect(runtime.body.instances[0]).toMatchObject({ state: "healthy", restarts: 0 });
    expect(runtime.body.instances[0].pid).toBeGreaterThan(0);
    const sampled = await waitFor("a memory sample", async () => {
      const res = await user.call("GET", `/api/v1/teams/${teamId}/deployments/${done.deploymentId}/instances`);
      return res.body.instances[0]?.memoryBytes > 0 ? res.body.instances[0] : undefined;
    });
    expect(sampled.memoryBytes).toBeGreaterThan(5 * 1024 * 1024);

    const deployment = await user.call("GET", `/api/v1/teams/${teamId}/deployments/${done.deploymentId}`);
    expect(deployment.body).toMatchObject({ kind: "app", runtime: { state: "running" } });

    const logs = await waitFor("the app's start line in its runtime log", async () => {
      const res = await user.call("GET", `/api/v1/teams/${teamId}/deployments/${done.deploymentId}/logs`);
      const texts = res.body.lines.map((l: { text: string }) => l.text);
      return texts.some((t: string) => /listening on/.test(t)) ? res.body.lines : undefined;
    });
    expect(logs[0].instanceId).toMatch(/^ins_/);
  });

  it("fails a deployment whose start command exits, and leaves production where it was", async () => {
    const project = await createProject("Exits At Once", "node-server");
    const first = await build(project.id);
    expect(first.status).toBe("succeeded");
    await user.call("PATCH", `/api/v1/teams/${teamId}/projects/${project.id}`, {
      settings: { startCommand: "echo about to exit >&2; exit 3" },
    });
    const broken = await build(project.id);
    expect(broken.status).toBe("failed");
    expect(broken.error).toMatchObject({ step: "deploy", reason: "unhealthy" });
    expect(broken.error.message).toMatch(/exited with code 3/);
    expect(broken.error.message).toMatch(/about to exit/);
    const home = await fetchFromEdge(platform.edgeUrl, project.productionUrl);
    expect(home.status).toBe(200);
    expect(home.headers.get("x-slipway-deployment") ?? first.deploymentId).toBe(first.deploymentId);
    expect(await home.text()).toBe("slipway example node-server v1");
  });
});

type Arrivals = { chunks: string[]; firstAt: number; endAt: number };

function streamArrivals(edgeUrl: string, pageUrl: string): Promise<Arrivals> {
  const page = new URL(pageUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: new URL(edgeUrl).port,
        path: `${page.pathname}${page.search}`,
        headers: { host: page.host },
      },
      (res) => {
        const chunks: string[] = [];
        let firstAt = 0;
        res.on("data", (chunk: Buffer) => {
          firstAt ||= Date.now();
          chunks.push(chunk.toString());
        });
        res.on("end", () => resolve({ chunks, firstAt, endAt: Date.now() }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

function postThroughEdge(edgeUrl: string, pageUrl: string, body: string): Promise<string> {
  const page = new URL(pageUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: new URL(edgeUrl).port,
        method: "POST",
        path: page.pathname,
        headers: { host: page.host, "content-type": "text/plain" },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on("end", () => resolve(text));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** GET through the edge's TLS port with SNI for the page's host; the default edge certificate is self-signed. */
function httpsGet(edgeTlsUrl: string, pageUrl: string): Promise<{ status: number; body: string }> {
  const page = new URL(pageUrl);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: "127.0.0.1",
        port: new URL(edgeTlsUrl).port,
        path: page.pathname,
        servername: page.hostname,
        headers: { host: page.hostname },
        rejectUnauthorized: false,
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

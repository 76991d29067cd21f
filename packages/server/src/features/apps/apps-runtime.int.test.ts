import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { buildAndWait, createExampleProject, fetchFromEdge } from "../../testing/deploy-fixtures.ts";
import { call, type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";
import { startLoad } from "../../testing/load.ts";
import { waitFor } from "../../testing/test-store.ts";

/**
 * How server apps behave over time: redeploys under load, killed instances, scale to zero,
 * crash loops, platform restarts. The runtime is the same on either store: one store here.
 */
describe.each(testStores.slice(0, 1))("server app runtime on %s", (store) => {
  let platform: TestPlatform;
  let user: Session;
  let teamId: string;

  beforeAll(async () => {
    platform = await startTestPlatform(store, { apps: { restartBackoffMs: 100, tickMs: 200, minuteMs: 60_000 } });
    user = await signUp(platform.url);
    teamId = user.personalTeamId;
  });
  afterAll(() => platform?.destroy());

  const build = (projectId: string) => buildAndWait(user, teamId, projectId);
  const runtimeOf = async (deploymentId: string) =>
    (await user.call("GET", `/api/v1/teams/${teamId}/deployments/${deploymentId}/instances`)).body;
  const setVersion = (projectId: string, value: string) =>
    user.call("POST", `/api/v1/teams/${teamId}/projects/${projectId}/env`, {
      key: "APP_VERSION",
      value,
      targets: ["production"],
    });

  it("switches production to a new deployment under load without a failed request", async () => {
    const project = await createExampleProject(user, teamId, "Zero Downtime", "node-server", {});
    await user.call("PATCH", `/api/v1/teams/${teamId}/projects/${project.id}`, {
      runtime: { healthCheckPath: "/healthz", shutdownGraceSeconds: 5 },
    });
    const first = await build(project.id);
    expect(first.status).toBe("succeeded");

    const load = startLoad(platform.edgeUrl, `${project.productionUrl}/slow?ms=30`, 12);
    await waitFor("load to run", () => load.result.total > 50 || undefined);
    for (const version of ["v2", "v3"]) {
      const env = await user.call("GET", `/api/v1/teams/${teamId}/projects/${project.id}/env`);
      for (const item of env.body.items ?? env.body) {
        if (item.key === "APP_VERSION")
          await user.call("DELETE", `/api/v1/teams/${teamId}/projects/${project.id}/env/${item.id}`);
      }
      await setVersion(project.id, version);
      const next = await build(project.id);
      expect(next.status, JSON.stringify(next.error)).toBe("succeeded");
    }
    const afterSwitch = load.result.total;
    await waitFor("load after the last switch", () => load.result.total > afterSwitch + 50 || undefined);
    const result = await load.stop();
    expect(load.failures(), JSON.stringify({ statuses: [...result.byStatus], errors: result.errors.slice(0, 5) })).toBe(
      0,
    );
    expect(result.total).toBeGreaterThan(100);

    const home = await fetchFromEdge(platform.edgeUrl, project.productionUrl);
    expect(await home.text()).toBe("slipway example node-server v3");
    // The first deployment drained and stopped; its own URL still works: it wakes on request.
    await waitFor(
      "the first deployment to stop",
      async () => ((await runtimeOf(first.deploymentId)).instances.length === 0 ? true : undefined),
      { timeoutMs: 20_000 },
    );
    expect((await runtimeOf(first.deploymentId)).state).toBe("idle");
    const woken = await fetchFromEdge(platform.edgeUrl, first.deploymentUrl);
    expect(woken.status).toBe(200);
    expect(await woken.text()).toBe("slipway example node-server v1");
    expect((await runtimeOf(first.deploymentId)).state).toBe("running");
  });

  it("retries on another instance when one is killed under load, and replaces it", async () => {
    const project = await createExampleProject(user, teamId, "Two Instances", "node-server");
    await user.call("PATCH", `/api/v1/teams/${teamId}/projects/${project.id}`, {
      runtime: { minInstances: 2, maxInstances: 2 },
    });
    const done = await build(project.id);
    expect(done.status).toBe("succeeded");
    const before = await runtimeOf(done.deploymentId);
    expect(before.instances.filter((i: { state: string }) => i.state === "healthy")).toHaveLength(2);

    const load = startLoad(platform.edgeUrl, `${project.productionUrl}/pid`, 8);
    await waitFor("load to run", () => load.result.total > 100 || undefined);
    const victim = before.instances[0];
    process.kill(victim.pid, "SIGKILL");
    const atKill = load.result.total;
    await waitFor("load after the kill", () => load.result.total > atKill + 300 || undefined);
    const result = await load.stop();
    expect(load.failures(), JSON.stringify({ statuses: [...result.byStatus], errors: result.errors.slice(0, 5) })).toBe(
      0,
    );

    const replaced = await waitFor("the killed instance to be back", async () => {
      const runtime = await runtimeOf(done.deploymentId);
      const instance = runtime.instances.find((i: { id: string }) => i.id === victim.id);
      return instance?.state === "healthy" && instance.restarts === 1 ? instance : undefined;
    });
    expect(replaced.pid).not.toBe(victim.pid);
  });

  it("marks a crash-looping deployment unhealthy with the reason", async () => {
    const project = await createExampleProject(user, teamId, "Crash Loop", "node-server");
    // Healthy long enough to deploy, then it keeps dying.
    await user.call("PATCH", `/api/v1/teams/${teamId}/projects/${project.id}`, {
      settings: { startCommand: "node server.js & sleep 1; echo giving up >&2; exit 7" },
    });
    const done = await build(project.id);
    expect(done.status, JSON.stringify(done.error)).toBe("succeeded");
    const unhealthy = await waitFor(
      "a crash loop",
      async () => {
        const runtime = await runtimeOf(done.deploymentId);
        return runtime.state === "unhealthy" ? runtime : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(unhealthy.reason).toMatch(/crash loop/);
    expect(unhealthy.reason).toMatch(/exited with code 7/);
    const res = await fetchFromEdge(platform.edgeUrl, project.productionUrl);
    expect(res.status).toBe(503);
  });

  it("proxies WebSockets and server-sent events to an Express app", async () => {
    const project = await createExampleProject(user, teamId, "Express WS", "express-ws");
    expect(project.settings.framework).toBe("node-server");
    const done = await build(project.id);
    expect(done.status, JSON.stringify(done.error)).toBe("succeeded");
    const edgePort = new URL(platform.edgeUrl).port;
    const host = new URL(project.productionUrl).host;
    const socket = new WebSocket(`ws://127.0.0.1:${edgePort}/ws`, { headers: { host } });
    const messages: string[] = [];
    socket.on("message", (data) => messages.push(data.toString()));
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    socket.send("ping through the edge");
    await waitFor("the echo", () => messages.some((m) => m.includes("ping through the edge")) || undefined);
    socket.close();

    const firstEvent = await new Promise<string>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: edgePort, path: "/sse", headers: { host } }, (res) => {
        expect(res.headers["content-type"]).toMatch(/text\/event-stream/);
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          if (!text.includes("data:")) return;
          resolve(text);
          req.destroy();
        });
      });
      req.on("error", reject);
      req.end();
    });
    expect(firstEvent).toMatch(/data:/);
  });

  it("runs a Python app", async () => {
    const project = await createExampleProject(user, teamId, "Python App", "python-app");
    expect(project.settings).toMatchObject({ framework: "python", startCommand: "python3 app.py" });
    const done = await build(project.id);
    expect(done.status, JSON.stringify(done.error)).toBe("succeeded");
    const home = await fetchFromEdge(platform.edgeUrl, project.productionUrl);
    expect(home.status).toBe(200);
    expect(await home.text()).toMatch(/python/i);
  });

  it("brings production apps back after the platform restarts", async () => {
    const project = await createExampleProject(user, teamId, "Survives Restart", "node-server");
    const done = await build(project.id);
    expect(done.status).toBe("succeeded");
    const oldPid = (await runtimeOf(done.deploymentId)).instances[0].pid;
    platform = await platform.restart();
    const back = await waitFor("production to run again", async () => {
      const res = await call(
        platform.url,
        "GET",
        `/api/v1/teams/${teamId}/deployments/${done.deploymentId}/instances`,
        {
          cookie: user.cookie,
        },
      );
      return res.body.state === "running" ? res.body : undefined;
    });
    expect(back.instances[0].pid).not.toBe(oldPid);
    const home = await fetchFromEdge(platform.edgeUrl, project.productionUrl);
    expect(home.status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAndWait, createExampleProject, fetchFromEdge } from "../../testing/deploy-fixtures.ts";
import { type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";
import { startLoad } from "../../testing/load.ts";
import { waitFor } from "../../testing/test-store.ts";

/** Scaling and faults of server apps; a "minute" of idle time is 400 ms here. */
describe.each(testStores.slice(0, 1))("server app scaling and faults on %s", (store) => {
  let platform: TestPlatform;
  let user: Session;
  let teamId: string;

  beforeAll(async () => {
    platform = await startTestPlatform(store, { apps: { restartBackoffMs: 100, tickMs: 100, minuteMs: 400 } });
    user = await signUp(platform.url);
    teamId = user.personalTeamId;
  });
  afterAll(() => platform?.destroy());

  const runtimeOf = async (deploymentId: string) =>
    (await user.call("GET", `/api/v1/teams/${teamId}/deployments/${deploymentId}/instances`)).body;
  async function deployed(name: string, runtime: Record<string, unknown>, settings: Record<string, unknown> = {}) {
    const project = await createExampleProject(user, teamId, name, "node-server");
    const patch = await user.call("PATCH", `/api/v1/teams/${teamId}/projects/${project.id}`, { runtime, settings });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);
    const build = await buildAndWait(user, teamId, project.id);
    return { project, build };
  }

  it("scales an idle app to zero and wakes it on the next request, which waits instead of failing", async () => {
    // It takes longer to start than its idle time: a waiting request still keeps it from idling out.
    const { project, build } = await deployed(
      "Sleepy",
      { productionIdleMinutes: 1 },
      { startCommand: "sleep 1 && exec node server.js" },
    );
    expect(build.status).toBe("succeeded");
    const idle = await waitFor("scale to zero", async () => {
      const runtime = await runtimeOf(build.deploymentId);
      return runtime.state === "idle" && runtime.instances.length === 0 ? runtime : undefined;
    });
    expect(idle.desiredInstances).toBe(0);
    const woken = await fetchFromEdge(platform.edgeUrl, project.productionUrl);
    expect(woken.status).toBe(200);
    expect(await woken.text()).toBe("slipway example node-server v1");
    expect((await runtimeOf(build.deploymentId)).state).toBe("running");
  });

  it("autoscales on concurrent requests up to the maximum, and back down when the load stops", async () => {
    const { project, build } = await deployed("Busy", {
      minInstances: 1,
      maxInstances: 3,
      autoscale: { metric: "requests", target: 2, cooldownSeconds: 5 },
    });
    expect(build.status).toBe("succeeded");
    const load = startLoad(platform.edgeUrl, `${project.productionUrl}/slow?ms=100`, 16);
    const scaled = await waitFor(
      "a scale-up",
      async () => {
        const runtime = await runtimeOf(build.deploymentId);
        return runtime.desiredInstances >= 2 ? runtime : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(scaled.desiredInstances).toBeLessThanOrEqual(3);
    await load.stop();
    expect(load.failures()).toBe(0);
    await waitFor(
      "a scale-down to the minimum",
      async () => ((await runtimeOf(build.deploymentId)).instances.length === 1 ? true : undefined),
      { timeoutMs: 40_000, intervalMs: 250 },
    );
  });

  it("fails a deployment that listens on the wrong port, saying which port it waited for", async () => {
    const { build } = await deployed(
      "Wrong Port",
      { healthCheckTimeoutSeconds: 5 },
      { startCommand: "PORT=$((PORT + 1)) node server.js" },
    );
    expect(build.status).toBe("failed");
    expect(build.error.message).toMatch(/did not answer on port \d+ within 5 s/);
  });

  it("restarts an instance killed for its memory, and other apps keep answering", async () => {
    const other = await deployed("Bystander", {});
    const { project, build } = await deployed("Hungry", { memoryMb: 128 });
    expect(build.status).toBe("succeeded");
    const before = (await runtimeOf(build.deploymentId)).instances[0];
    const bomb = await fetchFromEdge(platform.edgeUrl, `${project.productionUrl}/memory?mb=400`).catch(() => null);
    expect(bomb?.status ?? 502).not.toBe(200);
    const after = await waitFor("the instance to come back", async () => {
      const instance = (await runtimeOf(build.deploymentId)).instances[0];
      return instance?.state === "healthy" && instance.restarts > 0 ? instance : undefined;
    });
    expect(after.id).toBe(before.id);
    const logs = await user.call("GET", `/api/v1/teams/${teamId}/deployments/${build.deploymentId}/logs?stream=system`);
    expect(logs.body.lines.map((l: { text: string }) => l.text).join("\n")).toMatch(/exceeding 128 MB/);
    const bystander = await fetchFromEdge(platform.edgeUrl, other.project.productionUrl);
    expect(bystander.status).toBe(200);
  });

  it("stops a fork bomb at the process limit with a clear error; other apps keep answering", async () => {
    const other = await deployed("Neighbour", {});
    const { build } = await deployed(
      "Forky",
      { pids: 48, cpus: 0.5 },
      { startCommand: "node server.js & while :; do sleep 600 & done" },
    );
    expect(build.status).toBe("failed");
    expect(build.error).toMatchObject({ step: "deploy", reason: "unhealthy" });
    expect(build.error.message).toMatch(/Cannot fork/);
    expect((await fetchFromEdge(platform.edgeUrl, other.project.productionUrl)).status).toBe(200);
  });
});

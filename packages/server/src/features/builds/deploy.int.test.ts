import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleRepository, fetchFromEdge, waitForBuild } from "../../testing/deploy-fixtures.ts";
import { type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";

describe.each(testStores)("deploying from git on %s", (store) => {
  let platform: TestPlatform;
  let user: Session;
  let teamId: string;

  beforeAll(async () => {
    platform = await startTestPlatform(store);
    user = await signUp(platform.url);
    teamId = user.personalTeamId;
  });
  afterAll(() => platform?.destroy());

  async function createProject(name: string, example: string, extra: Record<string, unknown> = {}) {
    const repo = await exampleRepository(example);
    const res = await user.call("POST", `/api/v1/teams/${teamId}/projects`, {
      name,
      git: { url: repo.url, branch: "main" },
      ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { project: res.body, repo };
  }

  async function build(projectId: string, branch?: string) {
    const res = await user.call(
      "POST",
      `/api/v1/teams/${teamId}/projects/${projectId}/builds`,
      branch ? { branch } : {},
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return waitForBuild(user, teamId, res.body.id);
  }

  it("detects a static site, builds it in steps and serves it at the production URL", async () => {
    const { project, repo } = await createProject("Static Site", "static-site");
    expect(project.settings.framework).toBe("static");
    expect(project.slug).toBe("static-site");
    const done = await build(project.id);
    expect(done).toMatchObject({
      status: "succeeded",
      environment: "production",
      branch: "main",
      commitSha: repo.sha,
      number: 1,
    });
    expect(done.steps.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toContain("clone:succeeded");
    expect(done.isolation).toMatchObject({ sandbox: "bubblewrap" });

    const home = await fetchFromEdge(platform.edgeUrl, project.productionUrl);
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toMatch(/text\/html/);
    expect(home.headers.get("x-slipway-deployment")).toBe(done.deploymentId);
    const deployment = await user.call("GET", `/api/v1/teams/${teamId}/deployments/${done.deploymentId}`);
    expect(deployment.body).toMatchObject({
      commitSha: repo.sha,
      branch: "main",
      isProduction: true,
      environment: "production",
    });
    const own = await fetchFromEdge(platform.edgeUrl, done.deploymentUrl);
    expect(own.status).toBe(200);
    expect(await own.text()).toBe(await home.text());

    const log = await user.call("GET", `/api/v1/teams/${teamId}/builds/${done.id}/logs`);
    expect(log.body.isComplete).toBe(true);
    expect(log.body.lines.map((l: { text: string }) => l.text).join("\n")).toMatch(/bubblewrap/i);
  });

  it("keeps production on the last good deployment when a build fails, and rolls back", async () => {
    const { project } = await createProject("Steady", "static-site");
    const first = await build(project.id);
    expect(first.status).toBe("succeeded");

    await user.call("PATCH", `/api/v1/teams/${teamId}/projects/${project.id}`, {
      settings: { buildCommand: "echo about to fail && exit 3" },
    });
    const broken = await build(project.id);
    expect(broken).toMatchObject({
      status: "failed",
      error: { step: "build", reason: "command_failed" },
      deploymentId: null,
      settings: { buildCommand: "echo about to fail && exit 3" },
    });
    expect(broken.commitSha).toMatch(/^[0-9a-f]{40}$/);
    const log = await user.call("GET", `/api/v1/teams/${teamId}/builds/${broken.id}/logs`);
    expect(log.body.lines.map((l: { text: string }) => l.text)).toContain("about to fail");
    const served = await fetchFromEdge(platform.edgeUrl, project.productionUrl);
    expect(served.headers.get("x-slipway-deployment")).toBe(first.deploymentId);

    await user.call("PATCH", `/api/v1/teams/${teamId}/projects/${project.id}`, {
      settings: { buildCommand: "echo v2 > version.txt" },
    });
    const second = await build(project.id);
    expect(second.status).toBe("succeeded");
    expect((await fetchFromEdge(platform.edgeUrl, project.productionUrl)).headers.get("x-slipway-deployment")).toBe(
      second.deploymentId,
    );

    const rolled = await user.call("POST", `/api/v1/teams/${teamId}/projects/${project.id}/rollback`);
    expect(rolled.status).toBe(200);
    expect(rolled.body).toMatchObject({ id: first.deploymentId, isProduction: true });
    expect((await fetchFromEdge(platform.edgeUrl, project.productionUrl)).headers.get("x-slipway-deployment")).toBe(
      first.deploymentId,
    );

    const promoted = await user.call("POST", `/api/v1/teams/${teamId}/deployments/${second.deploymentId}/promote`);
    expect(promoted.body.isProduction).toBe(true);
    expect((await fetchFromEdge(platform.edgeUrl, project.productionUrl)).headers.get("x-slipway-deployment")).toBe(
      second.deploymentId,
    );
    const list = await user.call("GET", `/api/v1/teams/${teamId}/projects/${project.id}/deployments`);
    expect(list.body.items.map((d: { id: string }) => d.id)).toEqual([second.deploymentId, first.deploymentId]);
  });

  it("reuses the artifact when the same source is built again", async () => {
    const { project } = await createProject("Reuse", "static-site");
    const first = await build(project.id);
    const again = await build(project.id);
    expect(again).toMatchObject({ status: "succeeded", isReused: true });
    expect(again.deploymentId).not.toBe(first.deploymentId);
    expect(again.steps.find((s: { id: string }) => s.id === "install").status).toBe("skipped");
  });

  it("builds other branches as previews without touching production", async () => {
    const { project } = await createProject("Branches", "static-site");
    const prod = await build(project.id);
    const missing = await user.call("POST", `/api/v1/teams/${teamId}/projects/${project.id}/builds`, {
      branch: "no-such-branch",
    });
    const failed = await waitForBuild(user, teamId, missing.body.id);
    expect(failed).toMatchObject({ status: "failed", error: { step: "clone", reason: "ref_not_found" } });
    expect((await fetchFromEdge(platform.edgeUrl, project.productionUrl)).headers.get("x-slipway-deployment")).toBe(
      prod.deploymentId,
    );
  });
});

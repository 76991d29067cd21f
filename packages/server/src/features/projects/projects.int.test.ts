import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleRepository, fetchFromEdge, waitForBuild } from "../../testing/deploy-fixtures.ts";
import { type Session, signUp, startTestPlatform, type TestPlatform } from "../../testing/harness.ts";
import { hmacHex } from "../git-hooks/push-events.ts";

// Project bookkeeping is store-independent; deploy.int.test.ts covers both stores end to end.
describe("projects", () => {
  let platform: TestPlatform;
  let user: Session;
  let teamId: string;

  beforeAll(async () => {
    platform = await startTestPlatform("pglite");
    user = await signUp(platform.url);
    teamId = user.personalTeamId;
  });
  afterAll(() => platform?.destroy());

  it("proposes settings for a repository and says why one cannot be read", async () => {
    const repo = await exampleRepository("node-build");
    const detected = await user.call("POST", `/api/v1/teams/${teamId}/projects/detect`, {
      git: { url: repo.url, branch: "main" },
    });
    expect(detected.status).toBe(200);
    expect(detected.body.settings).toMatchObject({ framework: "node", buildCommand: "npm run build" });
    expect(detected.body.nodeVersions).toContain(process.versions.node.split(".")[0]);
    const missing = await user.call("POST", `/api/v1/teams/${teamId}/projects/detect`, {
      git: { url: repo.url, branch: "nope" },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toMatchObject({ reason: "ref_not_found", field: "git" });
    const unreachable = await user.call("POST", `/api/v1/teams/${teamId}/projects`, {
      name: "Nowhere",
      git: { url: "file:///nonexistent/repo.git", branch: "main" },
    });
    expect(unreachable.status).toBe(400);
    expect(unreachable.body.error.details.reason).toBe("source_unreachable");
    expect(unreachable.body.error.message).not.toMatch(/repository exists\.$/);
  });

  it("keeps project names unique on the instance, since they are hostnames", async () => {
    const first = await user.call("POST", `/api/v1/teams/${teamId}/projects`, { name: "Landing Page" });
    expect(first.body.slug).toBe("landing-page");
    const other = await signUp(platform.url);
    const second = await other.call("POST", `/api/v1/teams/${other.personalTeamId}/projects`, { name: "Landing Page" });
    expect(second.body.slug).toMatch(/^landing-page-[a-z0-9]{6}$/);
    const taken = await other.call("POST", `/api/v1/teams/${other.personalTeamId}/projects`, {
      name: "x",
      slug: "landing-page",
    });
    expect(taken.status).toBe(409);
    const found = await other.call("GET", `/api/v1/teams/${other.personalTeamId}/projects?slug=${second.body.slug}`);
    expect(found.body.items.map((p: { id: string }) => p.id)).toEqual([second.body.id]);
    expect((await user.call("POST", `/api/v1/teams/${teamId}/projects`, { name: "x", slug: "a--b" })).status).toBe(400);
    // Another team's project is not there for this team.
    expect((await user.call("GET", `/api/v1/teams/${teamId}/projects/${second.body.id}`)).status).toBe(404);
  });

  it("refuses build settings that are not one safe line, and limits out of range", async () => {
    const { body: project } = await user.call("POST", `/api/v1/teams/${teamId}/projects`, { name: "Strict" });
    const path = `/api/v1/teams/${teamId}/projects/${project.id}`;
    expect((await user.call("PATCH", path, { settings: { buildCommand: "npm run build\nrm -rf /" } })).status).toBe(
      400,
    );
    expect((await user.call("PATCH", path, { settings: { outputDir: "../../etc" } })).status).toBe(400);
    expect((await user.call("PATCH", path, { limits: { memoryMb: 1 } })).status).toBe(400);
    const ok = await user.call("PATCH", path, {
      settings: { preBuildHook: "node -v" },
      limits: { timeoutSeconds: 60 },
    });
    expect(ok.body).toMatchObject({ settings: { preBuildHook: "node -v" }, limits: { timeoutSeconds: 60 } });
  });

  it("deploys on a signed deploy hook call and refuses an unsigned or stale one", async () => {
    const repo = await exampleRepository("static-site");
    const { body: project } = await user.call("POST", `/api/v1/teams/${teamId}/projects`, {
      name: "Hooked",
      git: { url: repo.url, branch: "main" },
    });
    const hook = (await user.call("GET", `/api/v1/teams/${teamId}/projects/${project.id}/git-webhook`)).body;
    const url = hook.deployHookUrl.replace("http://localhost:3000", platform.url);
    const body = JSON.stringify({ branch: "main" });
    const send = (ts: number, signature: string) =>
      fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-slipway-timestamp": String(ts),
          "x-slipway-signature": signature,
        },
        body,
      });
    const now = Math.floor(Date.now() / 1000);
    expect((await send(now, "sha256=nope")).status).toBe(401);
    expect((await send(now - 3600, `sha256=${hmacHex(hook.secret, `${now - 3600}.${body}`)}`)).status).toBe(401);
    const accepted = await send(now, `sha256=${hmacHex(hook.secret, `${now}.${body}`)}`);
    expect(accepted.status).toBe(202);
    const { buildId } = (await accepted.json()) as { buildId: string };
    // The same signed request again is a replay, not a second build.
    expect(await (await send(now, `sha256=${hmacHex(hook.secret, `${now}.${body}`)}`)).json()).toMatchObject({
      status: "duplicate",
    });
    const done = await waitForBuild(user, teamId, buildId);
    expect(done).toMatchObject({ status: "succeeded", trigger: "deploy-hook" });
  });

  it("takes a deleted project's URLs off the edge", async () => {
    const repo = await exampleRepository("static-site");
    const { body: project } = await user.call("POST", `/api/v1/teams/${teamId}/projects`, {
      name: "Doomed",
      git: { url: repo.url, branch: "main" },
    });
    const started = await user.call("POST", `/api/v1/teams/${teamId}/projects/${project.id}/builds`, {});
    await waitForBuild(user, teamId, started.body.id);
    expect((await fetchFromEdge(platform.edgeUrl, project.productionUrl)).status).toBe(200);
    expect((await user.call("DELETE", `/api/v1/teams/${teamId}/projects/${project.id}`)).status).toBe(204);
    expect((await fetchFromEdge(platform.edgeUrl, project.productionUrl)).status).toBe(404);
  });
});

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createArchive,
  createBareRepository,
  startGitDaemon,
  writeRawArchive,
} from "../../engines/builder/builder-fixtures.ts";
import { exampleRepository, examplesDir, fetchFromEdge, waitForBuild } from "../../testing/deploy-fixtures.ts";
import { call, type Session, signUp, startTestPlatform, type TestPlatform } from "../../testing/harness.ts";
import { hmacHex } from "../git-hooks/push-events.ts";

// The store does not change what these show; PGlite keeps the file quick. deploy.int.test.ts runs both.
describe("builds through the API", () => {
  let platform: TestPlatform;
  let user: Session;
  let teamId: string;
  const scratch = mkdtempSync(join(tmpdir(), "slipway-builds-api-"));

  beforeAll(async () => {
    // One build at a time per team, so queued builds can be seen waiting.
    platform = await startTestPlatform("pglite", {
      builds: { concurrency: 2, teamConcurrency: 1, uploadLimitBytes: 50 * 1024 * 1024 },
    });
    user = await signUp(platform.url);
    teamId = user.personalTeamId;
  });
  afterAll(() => platform?.destroy());

  async function emptyProject(name: string, settings: Record<string, unknown> = {}) {
    const res = await user.call("POST", `/api/v1/teams/${teamId}/projects`, { name, settings });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  function upload(projectId: string, file: string, query = "") {
    return call(platform.url, "POST", `/api/v1/teams/${teamId}/projects/${projectId}/uploads${query}`, {
      cookie: user.cookie,
      body: readFileSync(file),
      headers: { "content-type": "application/gzip" },
    });
  }

  it("builds an uploaded source tree as a preview, then to production", async () => {
    const project = await emptyProject("Uploaded");
    const archive = await createArchive(scratch, join(examplesDir, "node-build"));
    const preview = await upload(project.id, archive);
    expect(preview.status, JSON.stringify(preview.body)).toBe(201);
    expect(preview.body).toMatchObject({ source: "archive", trigger: "cli", environment: "preview" });
    const done = await waitForBuild(user, teamId, preview.body.id);
    expect(done).toMatchObject({ status: "succeeded", settings: { framework: "node" } });
    expect((await fetchFromEdge(platform.edgeUrl, done.deploymentUrl)).status).toBe(200);
    expect((await fetchFromEdge(platform.edgeUrl, project.productionUrl)).status).toBe(404);

    const prod = await upload(project.id, archive, "?environment=production");
    const live = await waitForBuild(user, teamId, prod.body.id);
    expect(live.status).toBe("succeeded");
    expect((await fetchFromEdge(platform.edgeUrl, project.productionUrl)).headers.get("x-slipway-deployment")).toBe(
      live.deploymentId,
    );
  });

  it("builds the Vite example from a git daemon and serves it as a single-page app", async () => {
    const root = mkdtempSync(join(tmpdir(), "slipway-daemon-"));
    const { bare } = await createBareRepository(root, join(examplesDir, "vite-react"), "vite-app");
    const daemon = await startGitDaemon(root);
    try {
      const url = daemon.url(basename(bare));
      const created = await user.call("POST", `/api/v1/teams/${teamId}/projects`, {
        name: "Vite App",
        git: { url, branch: "main" },
      });
      expect(created.body.settings).toMatchObject({ framework: "vite", outputDir: "dist", spaFallback: true });
      const started = await user.call("POST", `/api/v1/teams/${teamId}/projects/${created.body.id}/builds`, {});
      const done = await waitForBuild(user, teamId, started.body.id);
      expect(done).toMatchObject({ status: "succeeded", cache: "miss" });
      const home = await fetchFromEdge(platform.edgeUrl, created.body.productionUrl);
      const html = await home.text();
      expect(html).toContain('<div id="root">');
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] as string;
      const script = await fetchFromEdge(platform.edgeUrl, `${created.body.productionUrl}${asset}`, {
        headers: { "accept-encoding": "br" },
      });
      expect(script.headers.get("cache-control")).toMatch(/immutable/);
      expect(script.headers.get("content-encoding")).toBe("br");
      // A client-side route falls back to index.html.
      const deepLink = await fetchFromEdge(platform.edgeUrl, `${created.body.productionUrl}/settings/profile`, {
        headers: { accept: "text/html" },
      });
      expect(deepLink.status).toBe(200);
      expect(await deepLink.text()).toBe(html);
    } finally {
      daemon.stop();
    }
  });

  it("refuses an archive that climbs out of its directory", async () => {
    const project = await emptyProject("Evil");
    const evil = await writeRawArchive(scratch, [{ path: "../../escape.txt", type: "File", content: "x" }]);
    const res = await upload(project.id, evil);
    const done = await waitForBuild(user, teamId, res.body.id);
    expect(done).toMatchObject({ status: "failed", error: { step: "clone", reason: "invalid_archive" } });
  });

  it("refuses an upload over the limit, an empty one, and JSON", async () => {
    const project = await emptyProject("Limits");
    const empty = await call(platform.url, "POST", `/api/v1/teams/${teamId}/projects/${project.id}/uploads`, {
      cookie: user.cookie,
      body: "",
      headers: { "content-type": "application/gzip" },
    });
    expect(empty.status).toBe(400);
    const json = await user.call("POST", `/api/v1/teams/${teamId}/projects/${project.id}/uploads`, { some: "json" });
    expect(json.status).toBe(415);
  });

  it("injects env vars at build time and masks sensitive ones in the log", async () => {
    const project = await emptyProject("Env", {
      framework: "static",
      buildCommand: 'mkdir -p out && echo "public=$PUBLIC_NAME secret=$API_SECRET" | tee out/index.html',
      outputDir: "out",
    });
    const envPath = `/api/v1/teams/${teamId}/projects/${project.id}/env`;
    expect(
      (await user.call("POST", envPath, { key: "PUBLIC_NAME", value: "slipway", targets: ["production", "preview"] }))
        .status,
    ).toBe(201);
    const secret = await user.call("POST", envPath, {
      key: "API_SECRET",
      value: "hunter2-very-secret",
      isSensitive: true,
      targets: ["preview"],
    });
    expect(secret.body.value).toBeNull();
    expect((await user.call("POST", envPath, { key: "2BAD", value: "x", targets: ["preview"] })).status).toBe(400);
    expect((await user.call("POST", envPath, { key: "PORT", value: "1", targets: ["preview"] })).status).toBe(400);
    expect((await user.call("POST", envPath, { key: "API_SECRET", value: "again", targets: ["preview"] })).status).toBe(
      409,
    );
    const list = await user.call("GET", envPath);
    expect(list.body.items.map((v: { key: string; value: string | null }) => `${v.key}=${v.value}`)).toEqual([
      "API_SECRET=null",
      "PUBLIC_NAME=slipway",
    ]);

    const archive = await createArchive(scratch, join(examplesDir, "static-site"));
    const res = await upload(project.id, archive);
    const done = await waitForBuild(user, teamId, res.body.id);
    expect(done.status).toBe("succeeded");
    const log = (await user.call("GET", `/api/v1/teams/${teamId}/builds/${done.id}/logs`)).body.lines
      .map((l: { text: string }) => l.text)
      .join("\n");
    expect(log).toContain("public=slipway secret=••••••");
    expect(log).not.toContain("hunter2-very-secret");
    // The built page has the real value: masking is for the log only.
    expect(await (await fetchFromEdge(platform.edgeUrl, done.deploymentUrl)).text()).toContain("hunter2-very-secret");
  });

  it("streams the log live as server-sent events until the build ends", async () => {
    const project = await emptyProject("Streamed", {
      buildCommand: "for i in 1 2 3; do echo line-$i; sleep 0.3; done; mkdir -p out; echo ok > out/index.html",
      outputDir: "out",
    });
    const archive = await createArchive(scratch, join(examplesDir, "static-site"));
    const res = await upload(project.id, archive);
    const stream = await fetch(`${platform.url}/api/v1/teams/${teamId}/builds/${res.body.id}/logs/stream`, {
      headers: { cookie: user.cookie },
    });
    expect(stream.headers.get("content-type")).toMatch(/text\/event-stream/);
    const text = await stream.text();
    const events = text.split("\n\n").filter(Boolean);
    const lines = events
      .filter((e) => e.includes("event: line"))
      .map((e) => JSON.parse(e.split("data: ")[1] as string).text);
    expect(lines.filter((l: string) => l.startsWith("line-"))).toEqual(["line-1", "line-2", "line-3"]);
    expect(events.at(-1)).toContain('event: end\ndata: {"status":"succeeded"}');
    const lastBuild = events.filter((e) => e.startsWith("event: build")).at(-1) as string;
    expect(JSON.parse(lastBuild.split("data: ")[1] as string).deploymentUrl).toMatch(
      /^http:\/\/[a-z0-9]+--streamed\.localhost:\d+$/,
    );
    const seqs = events.filter((e) => e.startsWith("id: ")).map((e) => Number(e.split("\n")[0]?.slice(4)));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Resuming after the second line sends only what came after it.
    const resumed = await fetch(`${platform.url}/api/v1/teams/${teamId}/builds/${res.body.id}/logs/stream`, {
      headers: { cookie: user.cookie, "last-event-id": String(seqs[1]) },
    });
    const resumedIds = (await resumed.text())
      .split("\n\n")
      .filter((e) => e.startsWith("id: "))
      .map((e) => Number(e.split("\n")[0]?.slice(4)));
    expect(resumedIds).toEqual(seqs.slice(2));
  });

  it("cancels a running build at once and runs only the newest queued build of a branch", async () => {
    const project = await emptyProject("Cancel", { buildCommand: "sleep 120", outputDir: "." });
    const archive = await createArchive(scratch, join(examplesDir, "static-site"));
    const first = await upload(project.id, archive, "?branch=main");
    await waitForStatus(first.body.id, "running");
    const second = await upload(project.id, archive, "?branch=main");
    const third = await upload(project.id, archive, "?branch=main");
    expect((await user.call("GET", `/api/v1/teams/${teamId}/builds/${second.body.id}`)).body).toMatchObject({
      status: "canceled",
      error: { reason: "superseded", message: `superseded by build #${third.body.number}` },
    });
    const canceled = await user.call("POST", `/api/v1/teams/${teamId}/builds/${first.body.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect((await waitForBuild(user, teamId, first.body.id)).status).toBe("canceled");
    expect((await user.call("POST", `/api/v1/teams/${teamId}/builds/${first.body.id}/cancel`)).status).toBe(409);
    await user.call("POST", `/api/v1/teams/${teamId}/builds/${third.body.id}/cancel`);
    expect((await waitForBuild(user, teamId, third.body.id)).status).toBe("canceled");
  });

  async function waitForStatus(buildId: string, status: string) {
    for (let i = 0; i < 600; i++) {
      const res = await user.call("GET", `/api/v1/teams/${teamId}/builds/${buildId}`);
      if (res.body.status === status) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`build ${buildId} never became ${status}`);
  }

  it("builds on a signed push from GitHub, once per delivery, and refuses a bad signature", async () => {
    const repo = await exampleRepository("static-site");
    const { body: project } = await user.call("POST", `/api/v1/teams/${teamId}/projects`, {
      name: "Pushed",
      git: { url: repo.url, branch: "main" },
    });
    const hook = (await user.call("GET", `/api/v1/teams/${teamId}/projects/${project.id}/git-webhook`)).body;
    const payload = JSON.stringify({ ref: "refs/heads/main", after: repo.sha, repository: { clone_url: repo.url } });
    const send = (signature: string, delivery: string) =>
      fetch(hook.url.replace("http://localhost:3000", platform.url), {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "push",
          "x-github-delivery": delivery,
          "x-hub-signature-256": signature,
        },
        body: payload,
      });
    const good = `sha256=${hmacHex(hook.secret, payload)}`;
    const first = await send(good, "delivery-1");
    expect(first.status).toBe(202);
    const queued = (await first.json()) as { buildId: string };
    const duplicate = await send(good, "delivery-1");
    expect(await duplicate.json()).toMatchObject({ status: "duplicate", buildId: null });
    const forged = await send(`sha256=${hmacHex("guessed", payload)}`, "delivery-2");
    expect(forged.status).toBe(401);
    const done = await waitForBuild(user, teamId, queued.buildId);
    expect(done).toMatchObject({ status: "succeeded", trigger: "git", commitSha: repo.sha, environment: "production" });
    const audit = await user.call("GET", `/api/v1/teams/${teamId}/audit?result=denied`);
    expect(audit.body.items[0]).toMatchObject({
      action: "hook.rejected",
      details: { reason: "X-Hub-Signature-256 does not match" },
    });
  });

  it("reports builds per day with success rate and durations", async () => {
    const res = await user.call("GET", `/api/v1/teams/${teamId}/builds/analytics?days=7`);
    expect(res.status).toBe(200);
    expect(res.body.days).toHaveLength(7);
    const today = res.body.days.at(-1);
    expect(today.total).toBe(today.succeeded + today.failed + today.canceled);
    expect(today.succeeded).toBeGreaterThan(0);
    expect(res.body.successRate).toBeGreaterThan(0);
    expect(res.body.p95DurationMs).toBeGreaterThanOrEqual(res.body.averageDurationMs * 0.5);
  });
});

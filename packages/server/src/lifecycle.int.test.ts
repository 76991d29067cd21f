import { mkdtempSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createArchive } from "./engines/builder/builder-fixtures.ts";
import { examplesDir, waitForBuild } from "./testing/deploy-fixtures.ts";
import { call, createTestDatabase, signUp, strongPassword, testStores } from "./testing/harness.ts";
import { exited, type PlatformProcess, startPlatformProcess } from "./testing/platform-process.ts";
import { waitFor } from "./testing/test-store.ts";

describe.each(testStores)("the platform process on %s", (store) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(): Promise<PlatformProcess> {
    const env: Record<string, string> = {};
    if (store === "postgres") {
      const database = await createTestDatabase();
      env.DATABASE_URL = database.url;
      cleanups.push(database.drop);
    }
    const platform = await startPlatformProcess({ env });
    cleanups.push(platform.dispose);
    return platform;
  }

  it("finishes a request in flight on SIGTERM, then exits 0", async () => {
    const platform = await start();
    const user = await signUp(platform.url);
    const body = JSON.stringify({ name: "Draining" });
    const { port } = new URL(platform.url);
    // Headers and half the body are sent: the request is in flight when the signal lands.
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/api/v1/teams",
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            cookie: user.cookie,
          },
        },
        (res) => {
          let text = "";
          res.on("data", (chunk) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.write(body.slice(0, 5));
      setTimeout(() => req.end(body.slice(5)), 500);
    });
    await new Promise((wait) => setTimeout(wait, 200));
    const child = platform.child();
    if (!child) throw new Error("no process");
    const exit = exited(child);
    child.kill("SIGTERM");
    const answered = await response;
    expect(answered.status).toBe(201);
    expect(JSON.parse(answered.text)).toMatchObject({ name: "Draining", role: "owner" });
    expect(await exit).toEqual({ code: 0, signal: null });
  });

  it("runs a build again after the platform is killed in the middle of it", async () => {
    const platform = await start();
    const user = await signUp(platform.url);
    const teamId = user.personalTeamId;
    const { body: project } = await user.call("POST", `/api/v1/teams/${teamId}/projects`, {
      name: "Interrupted",
      settings: { buildCommand: "sleep 4; mkdir -p out; echo ok > out/index.html", outputDir: "out" },
    });
    const archive = await createArchive(mkdtempSync(join(tmpdir(), "slipway-kill-")), join(examplesDir, "static-site"));
    const uploaded = await call(platform.url, "POST", `/api/v1/teams/${teamId}/projects/${project.id}/uploads`, {
      cookie: user.cookie,
      body: readFileSync(archive),
      headers: { "content-type": "application/gzip" },
    });
    expect(uploaded.status).toBe(201);
    await waitFor("the build to run", async () => {
      const build = await user.call("GET", `/api/v1/teams/${teamId}/builds/${uploaded.body.id}`);
      return build.body.steps?.some((s: { id: string; status: string }) => s.id === "build" && s.status === "running");
    });
    const child = platform.child();
    if (!child) throw new Error("no process");
    const killed = exited(child);
    child.kill("SIGKILL");
    await killed;
    await platform.restart();
    const done = await waitForBuild(user, teamId, uploaded.body.id);
    expect(done.status).toBe("succeeded");
    const log = await user.call("GET", `/api/v1/teams/${teamId}/builds/${done.id}/logs`);
    expect(log.body.lines.map((l: { text: string }) => l.text)).toContain(
      "Slipway restarted while this build ran; running it again from the start.",
    );
  });

  it("keeps everything across a restart on the same data", async () => {
    const platform = await start();
    const user = await signUp(platform.url);
    await user.call("POST", "/api/v1/teams", { name: "Survivor" });
    await platform.restart();
    const signIn = await call(platform.url, "POST", "/api/auth/sign-in/email", {
      body: { email: user.email, password: strongPassword },
    });
    expect(signIn.status).toBe(200);
    const teams = await call(platform.url, "GET", "/api/v1/teams", { cookie: user.cookie });
    expect(teams.body.items.map((t: { name: string }) => t.name)).toContain("Survivor");
  });
});

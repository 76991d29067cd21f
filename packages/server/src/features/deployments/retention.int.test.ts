import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArchive } from "../../engines/builder/builder-fixtures.ts";
import { jobs } from "../../platform/platform.tables.ts";
import { examplesDir, fetchFromEdge, waitForBuild } from "../../testing/deploy-fixtures.ts";
import { call, type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";
import { waitFor } from "../../testing/test-store.ts";
import { runtimeLogLines } from "../apps/apps.tables.ts";
import { deployments } from "./deployments.tables.ts";
import { leftoverCleanupJobName, leftoverGraceMs, previewRetentionJobName } from "./retention.ts";

const dayMs = 86_400_000;

describe.each(testStores)("preview retention on %s", (store) => {
  let platform: TestPlatform;
  let user: Session;
  let teamId: string;
  let artifactsDir: string;
  const scratch = mkdtempSync(join(tmpdir(), "slipway-retention-"));

  beforeAll(async () => {
    platform = await startTestPlatform(store);
    user = await signUp(platform.url);
    teamId = user.personalTeamId;
    artifactsDir = join(platform.config.dataDir, "artifacts");
  });
  afterAll(async () => {
    await platform?.destroy();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function createProject(name: string, previewRetentionDays: number | null) {
    const created = await user.call("POST", `/api/v1/teams/${teamId}/projects`, { name });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const patched = await user.call("PATCH", `/api/v1/teams/${teamId}/projects/${created.body.id}`, {
      preferences: { previewRetentionDays },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    return patched.body;
  }

  /** Uploads a directory as the CLI does and waits for its deployment. */
  async function deploy(projectId: string, dir: string, query: string) {
    const archive = await createArchive(scratch, dir);
    const upload = await call(platform.url, "POST", `/api/v1/teams/${teamId}/projects/${projectId}/uploads?${query}`, {
      cookie: user.cookie,
      body: readFileSync(archive),
      headers: { "content-type": "application/gzip" },
    });
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);
    const build = await waitForBuild(user, teamId, upload.body.id);
    expect(build.status, JSON.stringify(build.error)).toBe("succeeded");
    const deployment = await user.call("GET", `/api/v1/teams/${teamId}/deployments/${build.deploymentId}`);
    return deployment.body as { id: string; url: string; aliases: string[] };
  }

  /** A static site whose one page says `text`. */
  function site(text: string): string {
    const dir = join(scratch, `site-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "index.html"), text);
    return dir;
  }

  async function hashOf(deploymentId: string): Promise<string> {
    const [row] = await platform.db.select().from(deployments).where(eq(deployments.id, deploymentId));
    if (!row) throw new Error(`no deployment ${deploymentId}`);
    return row.artifactHash;
  }

  async function ageDeployments(ids: string[], days: number) {
    await platform.db
      .update(deployments)
      .set({ createdAt: new Date(Date.now() - days * dayMs) })
      .where(inArray(deployments.id, ids));
  }

  async function finishedJob(name: string) {
    return waitFor(`job ${name} to finish`, async () => {
      const [job] = await platform.db.select().from(jobs).where(eq(jobs.name, name));
      if (job?.status === "failed") throw new Error(`${name} failed: ${job.lastError}`);
      return job?.status === "succeeded" ? job : undefined;
    });
  }

  const deploymentIdsOf = async (projectId: string) =>
    (await user.call("GET", `/api/v1/teams/${teamId}/projects/${projectId}/deployments`)).body.items
      .map((d: { id: string }) => d.id)
      .sort();

  it("deletes old previews nothing points at, with their instances, logs and unshared artifacts", async () => {
    const project = await createProject("Retained", 7);
    const superseded = await deploy(project.id, site("feature one"), "environment=preview&branch=feature");
    const newestOfBranch = await deploy(project.id, site("feature two"), "environment=preview&branch=feature");
    const oldShared = await deploy(project.id, site("shared"), "environment=preview");
    const recentShared = await deploy(project.id, site("shared"), "environment=preview");
    const rollbackTarget = await deploy(project.id, site("once production"), "environment=preview");
    expect((await user.call("POST", `/api/v1/teams/${teamId}/deployments/${rollbackTarget.id}/promote`)).status).toBe(
      200,
    );
    const production = await deploy(project.id, site("production"), "environment=production");
    const forever = await createProject("Kept Forever", null);
    const keptForever = await deploy(forever.id, site("forever"), "environment=preview");

    // A server app preview, woken by a request so it runs and logs. The instance its build
    // started stops first: a preview without a branch alias runs only on demand.
    const appProject = await createProject("Retained App", 7);
    const app = await deploy(appProject.id, join(examplesDir, "node-server"), "environment=preview");
    await waitFor("the build's instance to stop", () => platform.apps.runtime(app.id).instances.length === 0);
    expect((await fetchFromEdge(platform.edgeUrl, app.url)).status).toBe(200);
    const instanceId = platform.apps.runtime(app.id).instances[0]?.id as string;
    const appLines = () => platform.db.select().from(runtimeLogLines).where(eq(runtimeLogLines.deploymentId, app.id));
    const hasLogged = async (text: string) => (await appLines()).some((line) => line.text === text) || undefined;
    await waitFor("the app to log that it is healthy", () => hasLogged(`Instance ${instanceId} is healthy`));

    const supersededHash = await hashOf(superseded.id);
    const sharedHash = await hashOf(oldShared.id);
    const appHash = await hashOf(app.id);
    expect(await hashOf(recentShared.id)).toBe(sharedHash);
    await ageDeployments(
      [superseded, newestOfBranch, oldShared, rollbackTarget, production, keptForever, app].map((d) => d.id),
      10,
    );

    // The daily schedule fires as it would tomorrow.
    await platform.scheduler.tick(new Date(Date.now() + 2 * dayMs));
    const expiry = await finishedJob(previewRetentionJobName);
    expect((expiry.result as { deleted: string[] }).deleted.sort()).toEqual(
      [superseded.id, oldShared.id, app.id].sort(),
    );

    expect(await deploymentIdsOf(project.id)).toEqual(
      [newestOfBranch.id, recentShared.id, rollbackTarget.id, production.id].sort(),
    );
    expect(await deploymentIdsOf(forever.id)).toEqual([keptForever.id]);
    expect(await deploymentIdsOf(appProject.id)).toEqual([]);
    expect((await appLines()).map((line) => line.text)).not.toContainEqual(expect.stringMatching(/^listening on/));
    // Its instance stops once it is gone, and logs that after its deployment's lines were deleted.
    await waitFor("the app's instance to stop", () => hasLogged(`Instance ${instanceId} stopped`));
    expect(platform.apps.runtime(app.id).instances).toEqual([]);
    expect((await fetchFromEdge(platform.edgeUrl, app.url)).status).toBe(404);
    expect((await fetchFromEdge(platform.edgeUrl, superseded.url)).status).toBe(404);
    const branchUrl = newestOfBranch.aliases[0] as string;
    expect(await (await fetchFromEdge(platform.edgeUrl, branchUrl)).text()).toBe("feature two");
    const audit = await user.call("GET", `/api/v1/teams/${teamId}/audit?action=deployment.expire`);
    const recorded = audit.body.items.flatMap(
      (entry: { details: { deploymentIds: string[] } }) => entry.details.deploymentIds,
    );
    expect(recorded.sort()).toEqual([superseded.id, oldShared.id, app.id].sort());

    // Artifacts stay until no build still running could be using them; the app's last words go then too.
    const [cleanup] = await platform.db.select().from(jobs).where(eq(jobs.name, leftoverCleanupJobName));
    expect(cleanup?.runAt.getTime()).toBeGreaterThan(Date.now() + leftoverGraceMs - 60 * 60_000);
    expect(existsSync(join(artifactsDir, supersededHash))).toBe(true);
    await platform.db.update(jobs).set({ runAt: new Date() }).where(eq(jobs.name, leftoverCleanupJobName));
    platform.queue.wake();
    await waitFor("every clean-up to finish", async () => {
      const rows = await platform.db.select().from(jobs).where(eq(jobs.name, leftoverCleanupJobName));
      return rows.every((row) => row.status === "succeeded") || undefined;
    });
    expect(await appLines()).toEqual([]);
    expect(existsSync(join(artifactsDir, supersededHash))).toBe(false);
    expect(existsSync(join(artifactsDir, appHash))).toBe(false);
    expect(existsSync(join(artifactsDir, sharedHash))).toBe(true);
    expect(await (await fetchFromEdge(platform.edgeUrl, recentShared.url)).text()).toBe("shared");
  });
});

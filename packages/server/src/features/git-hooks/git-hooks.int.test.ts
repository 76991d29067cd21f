import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleRepository, waitForBuild } from "../../testing/deploy-fixtures.ts";
import { type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";
import { hmacHex } from "./push-events.ts";

describe.each(testStores)("git hooks with auto-deploy off on %s", (store) => {
  let platform: TestPlatform;
  let user: Session;
  let teamId: string;

  beforeAll(async () => {
    platform = await startTestPlatform(store);
    user = await signUp(platform.url);
    teamId = user.personalTeamId;
  });
  afterAll(() => platform?.destroy());

  /** A project importing the static site, with auto-deploy off, and its hook URLs and secret. */
  async function projectWithAutoDeployOff(name: string) {
    const repo = await exampleRepository("static-site");
    const created = await user.call("POST", `/api/v1/teams/${teamId}/projects`, {
      name,
      git: { url: repo.url, branch: "main" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const project = created.body;
    const patched = await user.call("PATCH", `/api/v1/teams/${teamId}/projects/${project.id}`, {
      preferences: { autoDeploy: false },
    });
    expect(patched.body.preferences).toEqual({ autoDeploy: false, previewRetentionDays: 30 });
    const hook = (await user.call("GET", `/api/v1/teams/${teamId}/projects/${project.id}/git-webhook`)).body;
    const local = (url: string) => url.replace("http://localhost:3000", platform.url);
    return {
      project,
      repo,
      secret: hook.secret as string,
      pushUrl: local(hook.url),
      deployUrl: local(hook.deployHookUrl),
    };
  }

  function push(target: { pushUrl: string; secret: string; repo: { url: string; sha: string } }, delivery: string) {
    const payload = JSON.stringify({
      ref: "refs/heads/main",
      after: target.repo.sha,
      repository: { clone_url: target.repo.url },
    });
    return fetch(target.pushUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": delivery,
        "x-hub-signature-256": `sha256=${hmacHex(target.secret, payload)}`,
      },
      body: payload,
    });
  }

  const buildsOf = async (projectId: string) =>
    (await user.call("GET", `/api/v1/teams/${teamId}/builds?projectId=${projectId}`)).body.items as unknown[];

  it("accepts a signed push without building, says why, and records it in the audit log", async () => {
    const target = await projectWithAutoDeployOff("Manual Only");
    const response = await push(target, "delivery-skipped-1");
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      status: "skipped",
      buildId: null,
      reason: "auto-deploy is off for this project",
      skipped: "auto-deploy is off for this project",
    });
    expect(await buildsOf(target.project.id)).toEqual([]);

    const audit = await user.call("GET", `/api/v1/teams/${teamId}/audit?action=hook.skipped`);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      action: "hook.skipped",
      result: "success",
      details: {
        reason: "auto-deploy is off for this project",
        provider: "github",
        deliveryId: "delivery-skipped-1",
        branch: "main",
        commitSha: target.repo.sha,
      },
    });

    // A bad signature is still refused, before the preference is looked at.
    const forged = await fetch(target.pushUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": "delivery-forged",
        "x-hub-signature-256": `sha256=${hmacHex("guessed", "{}")}`,
      },
      body: "{}",
    });
    expect(forged.status).toBe(401);
  });

  it("still builds on a signed deploy hook call, which is an explicit request", async () => {
    const target = await projectWithAutoDeployOff("Hook Deployed");
    const body = JSON.stringify({ branch: "main" });
    const now = Math.floor(Date.now() / 1000);
    const response = await fetch(target.deployUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-slipway-timestamp": String(now),
        "x-slipway-signature": `sha256=${hmacHex(target.secret, `${now}.${body}`)}`,
      },
      body,
    });
    expect(response.status).toBe(202);
    const answer = (await response.json()) as { status: string; buildId: string };
    expect(answer.status).toBe("queued");
    const done = await waitForBuild(user, teamId, answer.buildId);
    expect(done).toMatchObject({ status: "succeeded", trigger: "deploy-hook", environment: "production" });
  });

  it("builds pushes again once auto-deploy is turned back on", async () => {
    const target = await projectWithAutoDeployOff("Back On");
    expect(((await (await push(target, "delivery-off")).json()) as { status: string }).status).toBe("skipped");
    await user.call("PATCH", `/api/v1/teams/${teamId}/projects/${target.project.id}`, {
      preferences: { autoDeploy: true },
    });
    const response = await push(target, "delivery-on");
    expect(response.status).toBe(202);
    const answer = (await response.json()) as { status: string; buildId: string };
    expect(answer.status).toBe("queued");
    expect(await buildsOf(target.project.id)).toHaveLength(1);
    const done = await waitForBuild(user, teamId, answer.buildId);
    expect(done).toMatchObject({ status: "succeeded", trigger: "git" });
  });
});

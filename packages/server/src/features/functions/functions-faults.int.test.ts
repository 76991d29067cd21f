import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";
import { callFunction, createFunction, createProject, invocationDetail, invocationsOf } from "./functions-fixtures.ts";

/** What a function's faults and limits look like from outside: each a clear answer, the others unaffected. */
describe.each(testStores)("function faults and limits on %s", (store) => {
  let platform: TestPlatform;
  let user: Session;
  let teamId: string;
  let project: { id: string; slug: string };

  beforeAll(async () => {
    platform = await startTestPlatform(store);
    user = await signUp(platform.url);
    teamId = user.personalTeamId;
    project = await createProject(user, teamId, "Faults");
  });
  afterAll(() => platform?.destroy());

  const deploy = (name: string, source: string, settings: Record<string, unknown> = {}) =>
    createFunction(user, teamId, project.id, {
      name,
      runtime: "node",
      settings,
      files: { "index.mjs": source },
    }).then((created) => created.function);

  it("answers a handler that throws with 500 and its invocation id, the stack in its log only", async () => {
    const fn = await deploy("throws", `export default () => { throw new Error("secret detail of the failure"); };`);
    const res = await callFunction(platform.edgeUrl, fn.url);
    expect(res.status).toBe(500);
    const invocationId = res.headers["x-slipway-invocation-id"] as string;
    expect(invocationId).toMatch(/^inv_/);
    expect(res.text).toContain(invocationId);
    expect(res.text).not.toContain("secret detail");
    const [recorded] = await invocationsOf(user, teamId, fn.id, 1);
    expect(recorded).toMatchObject({ id: invocationId, status: "failed", outcome: "error", responseStatus: 500 });
    const detail = await invocationDetail(user, teamId, fn.id, invocationId);
    expect(detail.logs.join("\n")).toContain("secret detail of the failure");
    const failed = await user.call(
      "GET",
      `/api/v1/teams/${teamId}/functions/${fn.id}/invocations?status=failed&q=secret`,
    );
    expect(failed.body.items.map((i: { id: string }) => i.id)).toEqual([invocationId]);
    const list = await user.call("GET", `/api/v1/teams/${teamId}/functions?projectId=${project.id}`);
    expect(list.body.items.find((f: { id: string }) => f.id === fn.id).errorRate24h).toBe(1);
  });

  it("stops an infinite loop at the timeout with 504, and the next call works", async () => {
    const fn = await deploy(
      "loops",
      `export default (request) => { if (new URL(request.url).searchParams.has("spin")) for (;;); return new Response("fine"); };`,
      { timeoutSeconds: 1 },
    );
    const res = await callFunction(platform.edgeUrl, `${fn.url}/?spin=1`);
    expect(res.status).toBe(504);
    const next = await callFunction(platform.edgeUrl, fn.url);
    expect(next).toMatchObject({ status: 200, text: "fine" });
    const [, timedOut] = await invocationsOf(user, teamId, fn.id, 2);
    expect(timedOut).toMatchObject({ status: "failed", outcome: "timeout", responseStatus: 504 });
  });

  it("reports a memory bomb as out of memory while other functions keep answering", async () => {
    const fn = await deploy(
      "bomb",
      "export default () => { const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1)); };",
    );
    const healthy = await deploy("healthy", `export default () => new Response("still here");`);
    const res = await callFunction(platform.edgeUrl, fn.url);
    expect(res.status).toBe(502);
    const [bombed] = await invocationsOf(user, teamId, fn.id, 1);
    expect(bombed).toMatchObject({ status: "failed", outcome: "out_of_memory" });
    expect(bombed.error).toMatch(/memory/);
    expect((await callFunction(platform.edgeUrl, healthy.url)).text).toBe("still here");
  });

  it("stops a fork bomb at the function's process limit while other functions keep answering", async () => {
    const source = `import os, time


def handler(request):
    forked = 0
    try:
        while True:
            if os.fork() == 0:
                time.sleep(20)
                os._exit(0)
            forked += 1
    except OSError as error:
        return {"status": 200, "body": f"stopped after {forked}: {error.strerror}"}
`;
    const { function: fn } = await createFunction(user, teamId, project.id, {
      name: "forks",
      runtime: "python",
      files: { "main.py": source },
    });
    const healthy = await deploy("calm", `export default () => new Response("calm");`);
    const res = await callFunction(platform.edgeUrl, fn.url);
    expect(res.status).toBe(200);
    const [, forked] = /^stopped after (\d+): Resource temporarily unavailable/.exec(res.text) ?? [];
    expect(Number(forked)).toBeGreaterThan(0);
    expect(Number(forked)).toBeLessThan(64);
    expect((await callFunction(platform.edgeUrl, healthy.url)).text).toBe("calm");
  });

  it("lets only tokens with functions:invoke of its team call a private function", async () => {
    const fn = await deploy(
      "private",
      `export default (r) => new Response(r.headers.get("authorization") ?? "none");`,
      {
        isPrivate: true,
      },
    );
    const anonymous = await callFunction(platform.edgeUrl, fn.url);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.text).error.code).toBe("unauthenticated");
    const token = async (scopes: string[]) =>
      (await user.call("POST", `/api/v1/teams/${teamId}/tokens`, { name: "fn", scopes, expiresInDays: 1 })).body
        .secret as string;
    const reader = await token(["projects:read"]);
    const lacking = await callFunction(platform.edgeUrl, fn.url, { headers: { authorization: `Bearer ${reader}` } });
    expect(lacking.status).toBe(403);
    const bogus = await callFunction(platform.edgeUrl, fn.url, {
      headers: { authorization: "Bearer slw_not_a_token" },
    });
    expect(bogus.status).toBe(401);
    const invoker = await token(["functions:invoke"]);
    const allowed = await callFunction(platform.edgeUrl, fn.url, { headers: { authorization: `Bearer ${invoker}` } });
    // The platform's token is checked at the edge and not handed to the function's code.
    expect(allowed).toMatchObject({ status: 200, text: "none" });
  });

  it("answers 429 with Retry-After over the rate and over the concurrency", async () => {
    const limited = await deploy("limited", `export default () => new Response("ok");`, { rateLimitPerMinute: 2 });
    expect((await callFunction(platform.edgeUrl, limited.url)).status).toBe(200);
    expect((await callFunction(platform.edgeUrl, limited.url)).status).toBe(200);
    const over = await callFunction(platform.edgeUrl, limited.url);
    expect(over.status).toBe(429);
    expect(Number(over.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(over.headers["retry-after"])).toBeLessThanOrEqual(60);

    const slow = await deploy(
      "slow",
      `export default async () => { await new Promise((r) => setTimeout(r, 1500)); return new Response("done"); };`,
      { maxInstances: 1, concurrency: 1 },
    );
    const [first, second] = await Promise.all([
      callFunction(platform.edgeUrl, slow.url),
      new Promise((r) => setTimeout(r, 300)).then(() => callFunction(platform.edgeUrl, slow.url)),
    ]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(second.headers["retry-after"]).toBe("1");
    const viaApi = await user.call("POST", `/api/v1/teams/${teamId}/functions/${limited.id}/invoke`, {});
    expect(viaApi.status).toBe(429);
  });

  it("refuses a body over 6 MB with 413 before the function runs", async () => {
    const fn = await deploy(
      "sized",
      `export default async (r) => new Response(String((await r.arrayBuffer()).byteLength));`,
    );
    const ok = await callFunction(platform.edgeUrl, fn.url, { method: "POST", body: Buffer.alloc(1024 * 1024) });
    expect(ok).toMatchObject({ status: 200, text: String(1024 * 1024) });
    const big = await callFunction(platform.edgeUrl, fn.url, {
      method: "POST",
      body: Buffer.alloc(6 * 1024 * 1024 + 1),
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text).error.code).toBe("payload_too_large");
    expect(await invocationsOf(user, teamId, fn.id, 1)).toHaveLength(1);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create as createTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";
import { callFunction, createFunction, createProject, invocationDetail, invocationsOf } from "./functions-fixtures.ts";

/** Functions end to end: created from templates, deployed, called through the edge and the API, in the sandbox. */
describe.each(testStores)("serverless functions on %s", (store) => {
  let platform: TestPlatform;
  let user: Session;
  let teamId: string;
  let project: { id: string; slug: string };
  const api = (path: string) => `/api/v1/teams/${teamId}${path}`;

  beforeAll(async () => {
    platform = await startTestPlatform(store);
    user = await signUp(platform.url);
    teamId = user.personalTeamId;
    project = await createProject(user, teamId, "Shop");
  });
  afterAll(() => platform?.destroy());

  it("deploys the Node template as version 1 and serves it at its URL, cold then warm", async () => {
    const created = await createFunction(user, teamId, project.id, { name: "hello", runtime: "node" });
    expect(created.version).toMatchObject({ number: 1, status: "ready", isProduction: true, runtime: "node" });
    expect(created.version.buildMs).toBeGreaterThanOrEqual(0);
    const fn = created.function;
    expect(fn).toMatchObject({ name: "hello", entry: "index.mjs", productionVersion: 1, projectSlug: project.slug });
    expect(fn.url).toBe(`http://hello--${project.slug}.localhost:${new URL(platform.edgeUrl).port}`);
    expect(fn.settings).toMatchObject({ memoryMb: 128, timeoutSeconds: 10, isPrivate: false });

    const cold = await callFunction(platform.edgeUrl, `${fn.url}/?name=ada`);
    expect(cold.status, cold.text).toBe(200);
    expect(JSON.parse(cold.text)).toEqual({ message: "Hello, ada!", method: "GET" });
    const warm = await callFunction(platform.edgeUrl, `${fn.url}/?name=grace`, { method: "POST", body: "x" });
    expect(JSON.parse(warm.text)).toEqual({ message: "Hello, grace!", method: "POST" });

    const [second, first] = await invocationsOf(user, teamId, fn.id, 2);
    expect(first).toMatchObject({
      trigger: "http",
      mode: "sync",
      status: "succeeded",
      outcome: "ok",
      isColdStart: true,
    });
    expect(first.initMs).toBeGreaterThan(0);
    expect(second).toMatchObject({ isColdStart: false, initMs: null, responseStatus: 200, versionNumber: 1 });
    for (const invocation of [first, second]) {
      expect(invocation.durationMs).toBeGreaterThan(0);
      expect(invocation.memoryBytes).toBeGreaterThan(1024 * 1024);
      expect(invocation.cpuMs).toBeGreaterThanOrEqual(0);
    }
    expect((await invocationDetail(user, teamId, fn.id, first.id)).logs).toContain("greeting ada");
    expect(cold.headers["x-slipway-invocation-id"]).toBe(first.id);

    const cold24h = await user.call("GET", api(`/functions/${fn.id}/invocations?coldStart=true`));
    expect(cold24h.body.items.map((i: { id: string }) => i.id)).toEqual([first.id]);
    const list = await user.call("GET", api(`/functions?projectId=${project.id}`));
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: fn.id, invocations24h: 2, errorRate24h: 0, lastInvocationAt: expect.any(String) }),
    ]);
  });

  it("keeps the old version serving when a deploy has a syntax error, then rolls back and forward", async () => {
    const { function: fn, version: v1 } = await createFunction(user, teamId, project.id, {
      name: "versions",
      runtime: "node",
      files: { "index.mjs": `export default () => new Response("v1");` },
    });
    const broken = await user.call("POST", api(`/functions/${fn.id}/versions`), {
      files: { "index.mjs": `export default () => { return new Response("v2" ; };` },
    });
    expect(broken.status).toBe(422);
    expect(broken.body.error.code).toBe("deploy_failed");
    expect(broken.body.error.message).toMatch(/SyntaxError/);
    expect(broken.body.version).toMatchObject({ number: 2, status: "failed", isProduction: false });
    expect((await callFunction(platform.edgeUrl, fn.url)).text).toBe("v1");

    const v3 = await user.call("POST", api(`/functions/${fn.id}/versions`), {
      files: { "index.mjs": `export default () => new Response("v3");`, "lib/util.mjs": "export const x = 1;\n" },
    });
    expect(v3.status, JSON.stringify(v3.body)).toBe(201);
    expect(v3.body).toMatchObject({ number: 3, status: "ready", isProduction: true });
    expect((await callFunction(platform.edgeUrl, fn.url)).text).toBe("v3");

    const source = await user.call("GET", api(`/functions/${fn.id}/versions/${v3.body.id}/source`));
    expect(source.body).toEqual({
      versionId: v3.body.id,
      entry: "index.mjs",
      files: { "index.mjs": `export default () => new Response("v3");`, "lib/util.mjs": "export const x = 1;\n" },
    });
    const toFailed = await user.call("POST", api(`/functions/${fn.id}/rollback`), {
      versionId: broken.body.version.id,
    });
    expect(toFailed.status).toBe(409);
    const back = await user.call("POST", api(`/functions/${fn.id}/rollback`), { versionId: v1.id });
    expect(back.body).toMatchObject({ productionVersionId: v1.id, productionVersion: 1 });
    expect((await callFunction(platform.edgeUrl, fn.url)).text).toBe("v1");
    const versions = await user.call("GET", api(`/functions/${fn.id}/versions`));
    expect(
      versions.body.items.map((v: { number: number; isProduction: boolean }) => [v.number, v.isProduction]),
    ).toEqual([
      [3, false],
      [2, false],
      [1, true],
    ]);
  });

  it("deploys a version from a .tar.gz of the folder, as the CLI sends it", async () => {
    const { function: fn } = await createFunction(user, teamId, project.id, { name: "uploaded", runtime: "node" });
    const dir = mkdtempSync(join(tmpdir(), "slipway-fn-upload-"));
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "handler.mjs"), `export default () => new Response("from the archive");`);
    const archive = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      createTar({ gzip: true, cwd: dir }, ["src"])
        .on("data", (chunk: Buffer) => chunks.push(chunk))
        .on("end", () => resolve(Buffer.concat(chunks)))
        .on("error", reject);
    });
    rmSync(dir, { recursive: true, force: true });
    const upload = (body: Uint8Array, entry: string) =>
      call(platform.url, "POST", api(`/functions/${fn.id}/versions?entry=${entry}`), {
        cookie: user.cookie,
        body,
        headers: { "content-type": "application/gzip" },
      });
    const deployed = await upload(archive, "src/handler.mjs");
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    expect(deployed.body).toMatchObject({ number: 2, status: "ready", entry: "src/handler.mjs" });
    expect((await callFunction(platform.edgeUrl, fn.url)).text).toBe("from the archive");
    expect((await user.call("GET", api(`/functions/${fn.id}`))).body.entry).toBe("src/handler.mjs");
    const notAnArchive = await upload(Buffer.from("plain text, not gzip"), "src/handler.mjs");
    expect(notAnArchive.status).toBe(400);
    expect(notAnArchive.body.error.message).toMatch(/archive/);
  });

  it("runs a Python function through the API, with its own env over the project's", async () => {
    await user.call("POST", api(`/projects/${project.id}/env`), {
      key: "GREETING",
      value: "from the project",
      targets: ["production"],
    });
    const { function: fn } = await createFunction(user, teamId, project.id, { name: "py", runtime: "python" });
    const secret = await user.call("PUT", api(`/functions/${fn.id}/env/API_KEY`), {
      value: "s3cret",
      isSensitive: true,
    });
    expect(secret.body).toMatchObject({ key: "API_KEY", value: null, isSensitive: true });
    const env = await user.call("GET", api(`/functions/${fn.id}/env`));
    expect(env.body.items).toEqual([expect.objectContaining({ key: "API_KEY", value: null })]);
    const deployed = await user.call("POST", api(`/functions/${fn.id}/versions`), {
      files: {
        "main.py": [
          "import os",
          "def handler(request):",
          '    print("python says hi")',
          '    return {"status": 201, "headers": {"x-py": "yes"},',
          '            "body": os.environ.get("GREETING", "") + "|" + os.environ.get("API_KEY", "") + "|" + request["method"]}',
        ].join("\n"),
      },
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    const invoked = await user.call("POST", api(`/functions/${fn.id}/invoke?test=1`), { method: "PUT", body: "{}" });
    expect(invoked.status, JSON.stringify(invoked.body)).toBe(200);
    expect(invoked.body.response).toMatchObject({ status: 201, body: "from the project|s3cret|PUT" });
    expect(invoked.body.response.headers["x-py"]).toBe("yes");
    expect(invoked.body.invocation).toMatchObject({ trigger: "test", status: "succeeded", isColdStart: true });
    expect(invoked.body.invocation.logs).toContain("python says hi");
    expect(invoked.body.invocation.responseBody).toBe("from the project|s3cret|PUT");
    const [recorded] = await invocationsOf(user, teamId, fn.id, 1, "trigger=test");
    expect(recorded.id).toBe(invoked.body.invocation.id);
  });

  // Go compiles at deploy: the first build on a machine compiles the standard library (shared cache).
  it.each(["ruby", "go"] as const)(
    "runs the %s template through the API, cold then warm",
    async (runtime) => {
      const created = await createFunction(user, teamId, project.id, { name: `tpl-${runtime}`, runtime });
      // The entry as written (Go's binary and a compiled module are the runtime's business).
      const entry = runtime === "go" ? "main.go" : "main.rb";
      expect(created.version, created.version.error ?? "").toMatchObject({ status: "ready", entry });
      const source = await user.call(
        "GET",
        api(`/functions/${created.function.id}/versions/${created.version.id}/source`),
      );
      expect(source.body).toMatchObject({ entry, files: { [entry]: expect.stringMatching(/handler/i) } });
      const invoke = () =>
        user.call("POST", api(`/functions/${created.function.id}/invoke`), { method: "GET", path: "/?name=matz" });
      const cold = await invoke();
      expect(cold.status, JSON.stringify(cold.body)).toBe(200);
      expect(JSON.parse(cold.body.response.body)).toEqual({ message: "Hello, matz!", method: "GET" });
      expect(cold.body.invocation).toMatchObject({ trigger: "api", isColdStart: true, logs: ["greeting matz"] });
      expect((await invoke()).body.invocation.isColdStart).toBe(false);
    },
    240_000,
  );

  it("reports invocation metrics over 24 hours and 7 days", async () => {
    const { function: fn } = await createFunction(user, teamId, project.id, { name: "metered", runtime: "node" });
    for (let i = 0; i < 3; i++) await callFunction(platform.edgeUrl, fn.url);
    await invocationsOf(user, teamId, fn.id, 3);
    const day = await user.call("GET", api(`/functions/${fn.id}/metrics`));
    expect(day.status).toBe(200);
    expect(day.body.buckets).toHaveLength(24);
    expect(day.body.summary).toMatchObject({ invocations: 3, errors: 0, errorRate: 0, coldStarts: 1 });
    expect(day.body.summary.p50Ms).toBeGreaterThan(0);
    expect(day.body.summary.p95Ms).toBeGreaterThanOrEqual(day.body.summary.p50Ms);
    expect(day.body.buckets.at(-1)).toMatchObject({ invocations: 3, coldStarts: 1 });
    expect(day.body.buckets[0]).toMatchObject({ invocations: 0, p50Ms: null });
    const week = await user.call("GET", api(`/functions/${fn.id}/metrics?range=7d`));
    expect(week.body.buckets).toHaveLength(28);
    expect(week.body.summary.invocations).toBe(3);
  });

  it("hides other teams' functions and answers bad input with 400, never 500", async () => {
    const { function: fn } = await createFunction(user, teamId, project.id, { name: "mine", runtime: "node" });
    const other = await signUp(platform.url);
    for (const path of [`/functions/${fn.id}`, `/functions/${fn.id}/invocations`, `/functions/${fn.id}/metrics`]) {
      const res = await other.call("GET", `/api/v1/teams/${other.personalTeamId}${path}`);
      expect(res.status, path).toBe(404);
    }
    const invoke = await other.call("POST", `/api/v1/teams/${other.personalTeamId}/functions/${fn.id}/invoke`, {});
    expect(invoke.status).toBe(404);

    const bad = [
      ["POST", `/projects/${project.id}/functions`, { name: "Bad Name", runtime: "node" }],
      ["POST", `/projects/${project.id}/functions`, { name: "a--b", runtime: "node" }],
      ["POST", `/projects/${project.id}/functions`, { name: "cobol", runtime: "cobol" }],
      ["POST", `/projects/${project.id}/functions`, { name: "x", runtime: "node", files: { "../escape.mjs": "" } }],
      ["POST", `/projects/${project.id}/functions`, { name: "x", runtime: "node", settings: { memoryMb: 1 } }],
      ["PATCH", `/functions/${fn.id}`, { settings: { timeoutSeconds: 0 } }],
      [
        "PATCH",
        `/functions/${fn.id}`,
        { settings: { async: { onSuccess: { type: "function", functionId: "fn_elsewhere" } } } },
      ],
      ["PATCH", `/functions/${fn.id}`, { settings: { async: { onSuccess: { type: "function", functionId: fn.id } } } }],
      ["POST", `/functions/${fn.id}/invoke`, { method: "FETCH" }],
      ["POST", `/functions/${fn.id}/versions`, { files: {} }],
      ["POST", `/functions/${fn.id}/versions`, { files: { "index.mjs": "", "index.mjs/x.mjs": "" } }],
      ["PUT", `/functions/${fn.id}/env/SLIPWAY_X`, { value: "v" }],
      ["GET", `/functions/${fn.id}/invocations?limit=5000`, undefined],
      ["GET", `/functions/${fn.id}/invocations?cursor=%%%`, undefined],
      ["GET", `/functions/${fn.id}/metrics?range=1y`, undefined],
    ] as const;
    for (const [method, path, body] of bad) {
      const res = await user.call(method, api(path), body);
      expect(res.status, `${method} ${path} → ${JSON.stringify(res.body)}`).toBe(400);
    }
    const taken = await user.call("POST", api(`/projects/${project.id}/functions`), { name: "mine", runtime: "node" });
    expect(taken.status).toBe(409);
  });

  it("deletes a function: its URL stops answering and its id is gone", async () => {
    const { function: fn } = await createFunction(user, teamId, project.id, { name: "doomed", runtime: "node" });
    expect((await callFunction(platform.edgeUrl, fn.url)).status).toBe(200);
    expect((await user.call("DELETE", api(`/functions/${fn.id}`))).status).toBe(204);
    expect((await callFunction(platform.edgeUrl, fn.url)).status).toBe(404);
    expect((await user.call("GET", api(`/functions/${fn.id}`))).status).toBe(404);
    const instances = platform.functionGateway.runtime.instances();
    expect(instances.filter((i) => i.key?.startsWith(`${fn.id}:`))).toEqual([]);
  });
});

import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testLogger, waitFor } from "../../testing/test-store.ts";
import { openTestSandbox } from "../sandbox/sandbox-fixtures.ts";
import { createFunctionRuntime, type FunctionCode, type FunctionRuntime } from "./function-runtime.ts";

/** Node functions in the real sandbox: cold from the pre-started pool, then warm, and their faults. */
describe("function runtime (Node)", () => {
  let runtime: FunctionRuntime;
  let root: string;
  let destroySandbox: () => Promise<void>;
  let opened: Awaited<ReturnType<typeof openTestSandbox>>;
  const limits = { memoryMb: 128, cpus: 1, pids: 64 };

  beforeAll(async () => {
    opened = await openTestSandbox();
    destroySandbox = opened.destroy;
    root = await mkdtemp(join(tmpdir(), "slipway-functions-"));
    await chmod(root, 0o755);
    runtime = createFunctionRuntime({
      sandbox: opened.sandbox,
      logger: testLogger,
      slotsDir: join(opened.workRoot, "slots"),
      pool: { size: 2, limits, runtimes: ["node", "python"] },
    });
    await runtime.start();
  });
  afterAll(async () => {
    await runtime?.stop();
    await destroySandbox?.();
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function code(name: string, source: string, extra: Partial<FunctionCode> = {}): Promise<FunctionCode> {
    const dir = join(root, name);
    const entry = extra.runtime === "python" ? "main.py" : "index.mjs";
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, entry), source);
    return { runtime: "node", key: name, codeDir: dir, entry, env: {}, limits, timeoutMs: 2_000, ...extra };
  }
  const get = (path = "/") => ({ method: "GET", path, headers: {} });

  it("answers a Web Request with its Response: cold from the pool first, then warm", async () => {
    const hello = await code(
      "hello",
      `export default async (request) => {
        const url = new URL(request.url);
        console.log("called with", url.searchParams.get("name"));
        return Response.json({ hello: url.searchParams.get("name"), method: request.method }, { headers: { "x-fn": "yes" } });
      };`,
    );
    const cold = await runtime.invoke(hello, get("/?name=ada"));
    expect(cold).toMatchObject({ status: 200, outcome: "ok", isCold: true });
    expect(JSON.parse(cold.body.toString())).toEqual({ hello: "ada", method: "GET" });
    expect(cold.headers["x-fn"]).toBe("yes");
    expect(cold.initMs).toBeGreaterThan(0);
    expect(cold.logs).toContain("called with ada");
    const warm = await runtime.invoke(hello, {
      method: "POST",
      path: "/?name=grace",
      headers: {},
      body: Buffer.from("x"),
    });
    expect(warm).toMatchObject({ status: 200, isCold: false, initMs: null });
    expect(JSON.parse(warm.body.toString())).toEqual({ hello: "grace", method: "POST" });
    expect(warm.memoryBytes).toBeGreaterThan(1024 * 1024);
  });

  it("keeps a thrown error's stack in the log and out of the response", async () => {
    const broken = await code("throws", `export default () => { throw new Error("secret detail in a stack"); };`);
    const result = await runtime.invoke(broken, { ...get(), headers: { "x-slipway-invocation": "inv_123" } });
    expect(result.status).toBe(500);
    expect(result.body.toString()).toContain("inv_123");
    expect(result.body.toString()).not.toContain("secret detail");
    expect(result.logs.join("\n")).toContain("secret detail in a stack");
  });

  it("reports code that does not load, with the parser's message", async () => {
    const syntax = await code("syntax", "export default (request => {");
    const result = await runtime.invoke(syntax, get());
    expect(result.outcome).toBe("load_failed");
    expect(result.body.toString()).toMatch(/SyntaxError|Unexpected/);
  });

  it("kills an invocation that runs past its timeout, and the next one starts fresh", async () => {
    const loop = await code("loop", "export default () => { for (;;) {} };", { timeoutMs: 500 });
    const result = await runtime.invoke(loop, get());
    expect(result).toMatchObject({ status: 504, outcome: "timeout" });
    const again = await runtime.invoke(await code("after-loop", "export default () => new Response('fine');"), get());
    expect(again.body.toString()).toBe("fine");
  });

  it("reports a memory bomb as out of memory", async () => {
    const bomb = await code(
      "bomb",
      "export default () => { const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1)); };",
      {
        timeoutMs: 10_000,
      },
    );
    const result = await runtime.invoke(bomb, get());
    expect(result.outcome).toBe("out_of_memory");
    expect(result.status).toBe(502);
  });

  it("cannot read another function's code", async () => {
    const secret = await code("holder", "export default () => new Response('mine'); // TOKEN-42");
    await runtime.invoke(secret, get());
    const snoop = await code(
      "snoop",
      `import { readdirSync } from "node:fs";
      export default () => new Response(JSON.stringify(readdirSync("/fn")));`,
    );
    const result = await runtime.invoke(snoop, get());
    expect(JSON.parse(result.body.toString())).toEqual(["index.mjs"]);
  });

  it("runs a Python handler with the same request fields, cold then warm", async () => {
    const hello = await code(
      "py-hello",
      [
        "def handler(request):",
        "    print('python saw', request['method'], request['query'].get('name'))",
        "    return {'status': 201, 'headers': {'x-fn': 'py'}, 'body': {'hello': request['query'].get('name'), 'body': request['body']}}",
      ].join("\n"),
      { runtime: "python" },
    );
    const cold = await runtime.invoke(hello, {
      method: "POST",
      path: "/?name=ada",
      headers: {},
      body: Buffer.from("payload"),
    });
    expect(cold).toMatchObject({ status: 201, isCold: true, outcome: "ok" });
    expect(cold.headers["x-fn"]).toBe("py");
    expect(JSON.parse(cold.body.toString())).toEqual({ hello: "ada", body: "payload" });
    expect(cold.logs).toContain("python saw POST ada");
    const warm = await runtime.invoke(hello, get("/?name=grace"));
    expect(warm.isCold).toBe(false);
    expect(JSON.parse(warm.body.toString()).hello).toBe("grace");
  });

  it("keeps a Python exception out of the response, and reports a syntax error at load", async () => {
    const raises = await code("py-raises", "def handler(request):\n    raise ValueError('secret python detail')", {
      runtime: "python",
    });
    const failed = await runtime.invoke(raises, get());
    expect(failed.status).toBe(500);
    expect(failed.body.toString()).not.toContain("secret python detail");
    expect(failed.logs.join("\n")).toContain("secret python detail");
    const syntax = await code("py-syntax", "def handler(request:\n    return {}", { runtime: "python" });
    const result = await runtime.invoke(syntax, get());
    expect(result.outcome).toBe("load_failed");
    expect(result.body.toString()).toMatch(/SyntaxError/);
  });

  it("freezes an idle warm instance, thaws it for the next call, and stops it after the idle time", async () => {
    const parked = createFunctionRuntime({
      sandbox: opened.sandbox,
      logger: testLogger,
      slotsDir: join(opened.workRoot, "parked-slots"),
      pool: { size: 0, limits, runtimes: ["node"] },
      freezeAfterMs: 100,
      idleStopMs: 1_500,
    });
    try {
      const fn = await code("parked", "export default () => new Response(String(process.pid));");
      const first = await parked.invoke(fn, get());
      expect(first.status).toBe(200);
      const [instance] = parked.instances();
      const state = async () =>
        (await readFile(`/proc/${instance?.hostPid}/status`, "utf8").catch(() => "")).match(/^State:\s+(\w)/m)?.[1];
      await waitFor("the instance to be frozen", async () => ((await state()) === "T" ? true : undefined));
      expect(parked.instances()[0]?.isFrozen).toBe(true);
      const thawed = await parked.invoke(fn, get());
      expect(thawed).toMatchObject({ status: 200, isCold: false });
      expect(thawed.body.toString()).toBe(first.body.toString());
      await waitFor("the idle instance to stop", () => (parked.counts().all === 0 ? true : undefined), {
        timeoutMs: 5_000,
      });
    } finally {
      await parked.stop();
    }
  });
});

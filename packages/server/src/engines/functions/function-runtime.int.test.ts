import { access, chmod, mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testLogger, waitFor } from "../../testing/test-store.ts";
import { type FunctionsFixture, get, functionLimits as limits, openFunctionsFixture } from "./function-fixtures.ts";
import { createFunctionRuntime, type FunctionCode, type FunctionRuntime } from "./function-runtime.ts";

/** Functions in the real sandbox: cold from the pre-started pool, then warm, and their faults. */
describe("function runtime", () => {
  let fixture: FunctionsFixture;
  let runtime: FunctionRuntime;

  beforeAll(async () => {
    fixture = await openFunctionsFixture({ size: 2 });
    runtime = fixture.runtime;
  });
  afterAll(async () => {
    await fixture?.close();
  });

  /** A function's files as the packager would leave them, without packaging: quick for the runtime's own tests. */
  async function code(name: string, source: string, extra: Partial<FunctionCode> = {}): Promise<FunctionCode> {
    const dir = join(fixture.root, name);
    const entry = { node: "index.mjs", python: "main.py", ruby: "main.rb", go: "" }[extra.runtime ?? "node"];
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, entry), source);
    return { runtime: "node", key: name, codeDir: dir, entry, env: {}, limits, timeoutMs: 2_000, ...extra };
  }

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
      sandbox: fixture.sandbox,
      logger: testLogger,
      slotsDir: join(fixture.workRoot, "parked-slots"),
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

  it("answers from an instance frozen longer than an HTTP keep-alive timeout, on the same warm instance", async () => {
    const parked = createFunctionRuntime({
      sandbox: fixture.sandbox,
      logger: testLogger,
      slotsDir: join(fixture.workRoot, "long-parked-slots"),
      pool: { size: 0, limits, runtimes: ["node"] },
      freezeAfterMs: 100,
      idleStopMs: 60_000,
    });
    try {
      const fn = await code("long-parked", "export default () => new Response(String(process.pid));");
      const first = await parked.invoke(fn, get());
      // Node's servers close an idle connection after 5 s; frozen, its timer fires on thaw.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect(parked.instances()[0]?.isFrozen).toBe(true);
      const thawed = await parked.invoke(fn, get());
      expect(thawed).toMatchObject({ status: 200, isCold: false, outcome: "ok" });
      expect(thawed.body.toString()).toBe(first.body.toString());
    } finally {
      await parked.stop();
    }
  });

  const slowHandlers = {
    node: `const instance = Math.random();
      export default async (request) => {
        const name = new URL(request.url).searchParams.get("name");
        const started = Date.now();
        console.log("start " + name);
        await new Promise((resolve) => setTimeout(resolve, 700));
        process.stdout.write("end ");
        process.stdout.write(name + "\\n");
        return Response.json({ instance, started, ended: Date.now() });
      };`,
    python: [
      "import random, sys, time",
      "instance = random.random()",
      "def handler(request):",
      "    name = request['query']['name']",
      "    started = time.time() * 1000",
      "    print('start', name)",
      "    time.sleep(0.7)",
      "    sys.stdout.write('end ')",
      "    print(name)",
      "    return {'body': {'instance': instance, 'started': started, 'ended': time.time() * 1000}}",
    ].join("\n"),
    ruby: [
      "INSTANCE = rand",
      "def handler(request)",
      "  name = request['query']['name']",
      "  started = Process.clock_gettime(Process::CLOCK_REALTIME, :millisecond)",
      '  puts "start #{name}"',
      "  sleep 0.7",
      "  print 'end '",
      "  puts name",
      "  { body: { instance: INSTANCE, started: started, ended: Process.clock_gettime(Process::CLOCK_REALTIME, :millisecond) } }",
      "end",
    ].join("\n"),
  };

  it.each(["node", "python", "ruby"] as const)(
    "serves two slow %s invocations at once on one instance, each with only its own log lines",
    async (language) => {
      const fn = await code(`slow-${language}`, slowHandlers[language], { runtime: language, concurrency: 2 });
      const [a, b] = await Promise.all([runtime.invoke(fn, get("/?name=a")), runtime.invoke(fn, get("/?name=b"))]);
      if (!a || !b) throw new Error("two results expected");
      const [first, second] = [JSON.parse(a.body.toString()), JSON.parse(b.body.toString())];
      expect(first.instance).toBe(second.instance);
      expect(runtime.instances().filter((instance) => instance.key === fn.key)).toHaveLength(1);
      expect(first.started).toBeLessThan(second.ended);
      expect(second.started).toBeLessThan(first.ended);
      expect(a.logs).toEqual(["start a", "end a"]);
      expect(b.logs).toEqual(["start b", "end b"]);
    },
  );

  it("serves two slow Go invocations at once on one instance", async () => {
    const fn = await fixture.deploy(
      "slow-go",
      "go",
      "main.go",
      {
        "main.go": `package main

import (
	"fmt"
	"math/rand"
	"time"
)

var instance = rand.New(rand.NewSource(time.Now().UnixNano())).Int63()

func Handler(req Request) Response {
	started := time.Now().UnixMilli()
	time.Sleep(700 * time.Millisecond)
	return Response{Body: fmt.Sprintf("{\\"instance\\":%d,\\"started\\":%d,\\"ended\\":%d}", instance, started, time.Now().UnixMilli())}
}
`,
      },
      { concurrency: 2 },
    );
    const results = await Promise.all([runtime.invoke(fn, get()), runtime.invoke(fn, get())]);
    const [first, second] = results.map((result) => JSON.parse(result.body.toString()));
    expect(first.instance).toBe(second.instance);
    expect(first.started).toBeLessThan(second.ended);
    expect(second.started).toBeLessThan(first.ended);
    // A third while both are busy needs a second instance.
    const third = await Promise.all([runtime.invoke(fn, get()), runtime.invoke(fn, get()), runtime.invoke(fn, get())]);
    const instances = new Set(third.map((result) => JSON.parse(result.body.toString()).instance));
    expect(instances.size).toBe(2);
  }, 180_000);

  it("answers 500 with the request id when a Ruby handler raises; the backtrace goes to the log", async () => {
    const raises = await code(
      "rb-raises",
      "def handler(request)\n  helper_that_fails\nend\n\ndef helper_that_fails\n  raise ArgumentError, 'secret ruby detail'\nend\n",
      { runtime: "ruby" },
    );
    const result = await runtime.invoke(raises, { ...get(), invocationId: "inv_ruby_1" });
    expect(result).toMatchObject({ status: 500, outcome: "error" });
    expect(result.body.toString()).toBe("The function failed. Request id: inv_ruby_1\n");
    const logs = result.logs.join("\n");
    expect(logs).toContain("secret ruby detail (ArgumentError)");
    expect(logs).toMatch(/main\.rb:6:in `helper_that_fails'/);
  });

  it("answers 500 with the request id when a Go handler panics; the panic and its stack go to the log", async () => {
    const panics = await fixture.deploy("go-panics", "go", "main.go", {
      "main.go": `package main\n\nfunc Handler(req Request) Response {\n\tvar m map[string]int\n\tm["secret go detail"] = 1\n\treturn Response{}\n}\n`,
    });
    const result = await runtime.invoke(panics, { ...get(), invocationId: "inv_go_1" });
    expect(result).toMatchObject({ status: 500, outcome: "error" });
    expect(result.body.toString()).toBe("The function failed. Request id: inv_go_1\n");
    expect(result.body.toString()).not.toContain("assignment to entry in nil map");
    const logs = result.logs.join("\n");
    expect(logs).toContain("[stderr] panic: assignment to entry in nil map");
    expect(logs).toMatch(/main\.Handler[\s\S]*fn\/main\.go:5/);
    const after = await runtime.invoke(panics, get());
    expect(after).toMatchObject({ status: 500, isCold: false });
  }, 180_000);

  it("reports a Go function whose binary dies at start as not loaded, with its panic in the log", async () => {
    const dies = await fixture.deploy("go-init-panics", "go", "main.go", {
      "main.go": `package main\n\nfunc init() { panic("missing setting DATABASE_URL") }\n\nfunc Handler(req Request) Response { return Response{} }\n`,
    });
    const result = await runtime.invoke(dies, get());
    expect(result).toMatchObject({ status: 500, outcome: "load_failed" });
    expect(result.body.toString()).toContain("the function's binary exited at start");
    expect(result.logs).toContain("[stderr] panic: missing setting DATABASE_URL");
  }, 180_000);

  it("gives a function its environment: loaded into a pooled runtime, or at start for Go", async () => {
    const env = { GREETING: "hello from env" };
    const node = await code("env-node", "export default () => new Response(process.env.GREETING);", { env });
    expect((await runtime.invoke(node, get())).body.toString()).toBe("hello from env");
    const go = await fixture.deploy(
      "env-go",
      "go",
      "main.go",
      {
        "main.go": `package main\n\nimport "os"\n\nfunc Handler(req Request) Response { return Response{Body: os.Getenv("GREETING")} }\n`,
      },
      { env },
    );
    expect((await runtime.invoke(go, get())).body.toString()).toBe("hello from env");
  }, 180_000);

  it("keeps the first 200 lines of a chatty invocation and counts the rest", async () => {
    const chatty = await code(
      "chatty",
      "export default () => { for (let i = 1; i <= 1000; i++) console.log('line ' + i); return new Response('done'); };",
    );
    const result = await runtime.invoke(chatty, get());
    expect(result.logs).toHaveLength(201);
    expect(result.logs[0]).toBe("line 1");
    expect(result.logs[199]).toBe("line 200");
    expect(result.logs[200]).toBe("… 800 more lines");
  });

  it("puts what loading printed, and why it failed, in the cold invocation's log", async () => {
    const loud = await code("loud-load", "console.log('loading config');\nexport default () => new Response('ok');");
    expect((await runtime.invoke(loud, get())).logs).toEqual(["loading config"]);
    const failing = await code(
      "failing-load",
      "throw new Error('missing setting DATABASE_URL');\nexport default () => {};",
    );
    const result = await runtime.invoke(failing, get());
    expect(result.outcome).toBe("load_failed");
    expect(result.logs.join("\n")).toContain("Error: missing setting DATABASE_URL");
  });

  it("does not follow a symbolic link in a function's folder out to the host, nor change the file it names", async () => {
    const hostFile = join(fixture.root, "host-only.txt");
    await writeFile(hostFile, "host secret");
    await chmod(hostFile, 0o600);
    const files = {
      "main.py": [
        "def handler(request):",
        "    try:",
        "        with open('linked.txt') as f:",
        "            return {'body': 'read: ' + f.read()}",
        "    except OSError as error:",
        "        return {'body': 'denied: ' + type(error).__name__}",
      ].join("\n"),
    };
    await symlink(hostFile, join(await fixture.writeSource("linked", files), "linked.txt"));
    const linked = await fixture.deploy("linked", "python", "main.py", files);
    const result = await runtime.invoke(linked, get());
    expect(result.body.toString()).toBe("denied: FileNotFoundError");
    expect((await stat(hostFile)).mode & 0o777).toBe(0o600);
  });

  it("keeps a function inside its sandbox: no other function's files, no writes outside, no host environment", async () => {
    const secret = `host-secret-${Math.random()}`;
    process.env.SLIPWAY_TEST_HOST_SECRET = secret;
    try {
      const holder = await code("slot-holder", "export default () => new Response('mine'); // TOKEN-42");
      await runtime.invoke(holder, get());
      const holderInstance = runtime.instances().find((instance) => instance.key === holder.key);
      const otherSlot = join(fixture.slotsDir, holderInstance?.id ?? "missing", "index.mjs");
      await access(otherSlot);
      const snoop = await code(
        "escape",
        `import { readdirSync, readFileSync, writeFileSync } from "node:fs";
        const attempt = (action) => { try { return "allowed: " + String(action()).slice(0, 100); } catch (error) { return "denied: " + error.code; } };
        export default (request) => {
          const target = new URL(request.url).searchParams.get("target");
          const environments = readdirSync("/proc").filter((name) => /^\\d+$/.test(name))
            .map((pid) => attempt(() => readFileSync("/proc/" + pid + "/environ", "utf8")));
          return Response.json({
            otherSlot: attempt(() => readFileSync(target, "utf8")),
            intoOtherSlot: attempt(() => writeFileSync(target.replace("index.mjs", "planted.mjs"), "x")),
            intoOwnCode: attempt(() => writeFileSync("/fn/planted.mjs", "x")),
            intoSystem: attempt(() => writeFileSync("/usr/planted", "x")),
            firstProcess: attempt(() => readFileSync("/proc/1/environ", "utf8")),
            environments,
          });
        };`,
      );
      const result = await runtime.invoke(snoop, get(`/?target=${encodeURIComponent(otherSlot)}`));
      const seen = JSON.parse(result.body.toString());
      expect(seen.otherSlot).toBe("denied: ENOENT");
      expect(seen.intoOtherSlot).toBe("denied: ENOENT");
      expect(seen.intoOwnCode).toBe("denied: EROFS");
      expect(seen.intoSystem).toMatch(/^denied: (EROFS|EACCES)$/);
      expect(result.body.toString()).not.toContain(secret);
      expect(result.body.toString()).not.toContain("TOKEN-42");
      await expect(access(join(fixture.slotsDir, holderInstance?.id ?? "missing", "planted.mjs"))).rejects.toThrow();
    } finally {
      delete process.env.SLIPWAY_TEST_HOST_SECRET;
    }
  });
});

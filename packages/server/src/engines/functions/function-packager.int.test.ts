import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FunctionsFixture, get, openFunctionsFixture } from "./function-fixtures.ts";
import type { FunctionRuntimeName } from "./function-runtime.ts";

/** Each language packaged from its folder in the real sandbox, with the real toolchains, then invoked. */
describe("function packager", () => {
  let fixture: FunctionsFixture;

  beforeAll(async () => {
    fixture = await openFunctionsFixture();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const languages: {
    runtime: FunctionRuntimeName;
    name: string;
    entry: string;
    files: Record<string, string>;
    header: string;
  }[] = [
    {
      runtime: "node",
      name: "node with an npm dependency",
      entry: "index.mjs",
      header: "node 1m",
      files: {
        "package.json": JSON.stringify({ name: "fn", type: "module", dependencies: { ms: "2.1.3" } }),
        "index.mjs": `import ms from "ms";
          export default async (request) => {
            const url = new URL(request.url);
            console.log("node saw", url.searchParams.get("name"));
            const body = { hello: url.searchParams.get("name"), body: await request.text(), method: request.method };
            return Response.json(body, { status: 201, headers: { "x-fn": "node " + ms(60000) } });
          };`,
      },
    },
    {
      runtime: "node",
      name: "node TypeScript with a local import",
      entry: "src/index.ts",
      header: "typescript",
      files: {
        "src/index.ts": `import { describeLanguage } from "./language";
          type Greeting = { hello: string | null; body: string; method: string };
          export default async (request: Request): Promise<Response> => {
            const url = new URL(request.url);
            console.log("typescript saw", url.searchParams.get("name"));
            const greeting: Greeting = { hello: url.searchParams.get("name"), body: await request.text(), method: request.method };
            return Response.json(greeting, { status: 201, headers: { "x-fn": describeLanguage() } });
          };`,
        "src/language.ts": `export const describeLanguage = (): string => "typescript";`,
      },
    },
    {
      runtime: "python",
      name: "python",
      entry: "main.py",
      header: "python",
      files: {
        "main.py": [
          "def handler(request):",
          "    print('python saw', request['query'].get('name'))",
          "    body = {'hello': request['query'].get('name'), 'body': request['body'], 'method': request['method']}",
          "    return {'status': 201, 'headers': {'x-fn': 'python'}, 'body': body}",
        ].join("\n"),
      },
    },
    {
      runtime: "ruby",
      name: "ruby",
      entry: "main.rb",
      header: "ruby",
      files: {
        "main.rb": [
          "def handler(request)",
          "  puts \"ruby saw #{request['query']['name']}\"",
          "  body = { hello: request['query']['name'], body: request['body'], method: request['method'] }",
          "  { status: 201, headers: { 'x-fn' => 'ruby' }, body: body }",
          "end",
        ].join("\n"),
      },
    },
    {
      runtime: "go",
      name: "go",
      entry: "main.go",
      header: "go",
      files: {
        "main.go": `package main

import (
	"encoding/json"
	"fmt"
)

func Handler(req Request) Response {
	fmt.Println("go saw", req.Query["name"])
	body, _ := json.Marshal(map[string]string{"hello": req.Query["name"], "body": req.Body, "method": req.Method})
	return Response{Status: 201, Headers: map[string]string{"x-fn": "go", "content-type": "application/json"}, Body: string(body)}
}
`,
      },
    },
  ];

  it.each(languages)(
    "packages $name and answers cold, then warm, with the handler's status, headers and body",
    async ({ runtime, name, entry, files, header }) => {
      const code = await fixture.deploy(name.replaceAll(" ", "-"), runtime, entry, files);
      const cold = await fixture.runtime.invoke(code, {
        method: "POST",
        path: "/?name=ada",
        headers: { "content-type": "text/plain" },
        body: Buffer.from("payload"),
      });
      expect(cold.body.toString()).not.toContain("failed");
      expect(cold).toMatchObject({ status: 201, outcome: "ok", isCold: true });
      expect(cold.headers["x-fn"]).toBe(header);
      expect(JSON.parse(cold.body.toString())).toEqual({ hello: "ada", body: "payload", method: "POST" });
      expect(cold.logs).toContain(`${header.split(" ")[0]} saw ada`);
      expect(cold.initMs).toBeGreaterThan(0);

      const warm = await fixture.runtime.invoke(code, get("/?name=grace"));
      expect(warm).toMatchObject({ status: 201, isCold: false, initMs: null });
      expect(JSON.parse(warm.body.toString())).toEqual({ hello: "grace", body: "", method: "GET" });
      expect(warm.logs).toEqual([`${header.split(" ")[0]} saw grace`]);
      // Found the runtime's own process: what the invocation used is measured.
      expect(warm.memoryBytes).toBeGreaterThan(1024 * 1024);
    },
    180_000,
  );

  it("keeps the installed dependency and the bundled entry in the packaged code", async () => {
    const { result, outDir } = await fixture.pack("ts-layout", "node", "index.mts", {
      "package.json": JSON.stringify({ dependencies: { ms: "2.1.3" } }),
      "index.mts": `import ms from "ms";\nexport default (): Response => new Response(ms(1000));`,
    });
    expect(result).toMatchObject({ ok: true, entry: "index.mjs" });
    expect(result.ok && result.sizeBytes).toBeGreaterThan(1000);
    const bundled = await readFile(join(outDir, "index.mjs"), "utf8");
    expect(bundled).toContain('from "ms"');
    await access(join(outDir, "node_modules", "ms", "index.js"));
  });

  it("builds a second Go function in seconds: the standard library comes from the build cache", async () => {
    const hello = `package main\n\nfunc Handler(req Request) Response { return Response{Body: "%s"} }\n`;
    await fixture.pack("go-first", "go", "main.go", { "main.go": hello.replace("%s", "first") });
    const started = performance.now();
    const code = await fixture.deploy("go-second", "go", "cmd/fn/main.go", {
      "cmd/fn/main.go": hello.replace("%s", "second"),
    });
    // Compiling the standard library takes half a minute to a minute on one CPU; from the cache, a few seconds.
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(code.entry).toBe("handler");
    const result = await fixture.runtime.invoke(code, get());
    expect(result).toMatchObject({ status: 200, isCold: true });
    expect(result.body.toString()).toBe("second");
  }, 180_000);

  const syntaxErrors: { runtime: FunctionRuntimeName; entry: string; source: string; expected: RegExp[] }[] = [
    {
      runtime: "node",
      entry: "index.mjs",
      source: "export default (request => {\n",
      expected: [/^index\.mjs:2$/m, /SyntaxError: Unexpected end of input/],
    },
    {
      // A .js with import/export loads as a module: it is checked as one, not passed as CommonJS.
      runtime: "node",
      entry: "index.js",
      source: 'import { x } from "./x.js";\nexport default (request => {\n',
      expected: [/^index\.js:3$/m, /SyntaxError: Unexpected end of input/],
    },
    {
      runtime: "node",
      entry: "index.ts",
      source: "export default (request: Request => new Response('x');\n",
      expected: [/Expected "\)" but found "=>"/, /index\.ts:1:\d+/],
    },
    {
      runtime: "python",
      entry: "main.py",
      source: "def handler(request:\n    return {}\n",
      expected: [/File "main\.py", line 1/, /SyntaxError: '\(' was never closed/],
    },
    {
      runtime: "ruby",
      entry: "main.rb",
      source: "def handler(request)\n  if request\n    {}\nend\n",
      expected: [/main\.rb:\d+: syntax error/],
    },
    {
      runtime: "go",
      entry: "main.go",
      source: "package main\n\nfunc Handler(req Request) Response {\n\treturn Response{Status: 200\n}\n",
      expected: [/main\.go:4:\d+: syntax error/],
    },
  ];

  it.each(syntaxErrors)(
    "fails a $runtime function ($entry) with a syntax error with the compiler's message, paths as in the folder",
    async ({ runtime, entry, source, expected }) => {
      const { result } = await fixture.pack(`syntax-${entry.replace(".", "-")}`, runtime, entry, { [entry]: source });
      expect(result.ok).toBe(false);
      const message = result.ok ? "" : result.message;
      for (const pattern of expected) expect(message).toMatch(pattern);
      expect(message).not.toContain("/workspace");
      expect(message).not.toContain("node:internal");
      expect(message.split("\n").length).toBeLessThanOrEqual(22);
    },
    180_000,
  );

  it("says that a Go function can import the standard library only", async () => {
    const { result } = await fixture.pack("go-module", "go", "main.go", {
      "main.go": `package main\n\nimport "github.com/google/uuid"\n\nfunc Handler(req Request) Response { return Response{Body: uuid.NewString()} }\n`,
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.message).toMatch(/github\.com\/google\/uuid[\s\S]*standard library only/);
  }, 180_000);

  it("names the function Go expects when Handler is missing", async () => {
    const { result } = await fixture.pack("go-no-handler", "go", "main.go", {
      "main.go": `package main\n\nfunc handler(req Request) Response { return Response{} }\n`,
    });
    expect(result.ok ? "" : result.message).toContain("func Handler(req Request) Response");
  }, 180_000);

  it("reports an npm install of a package that does not exist with npm's error", async () => {
    const { result } = await fixture.pack("npm-missing", "node", "index.mjs", {
      "package.json": JSON.stringify({ dependencies: { "slipway-no-such-package-3f9c1e": "1.0.0" } }),
      "index.mjs": "export default () => new Response('x');",
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.message).toMatch(/^npm install failed:[\s\S]*(E404|404 Not Found)/);
  });

  it("refuses a missing entry, an entry outside the folder and an unknown runtime", async () => {
    const files = { "index.mjs": "export default () => new Response('x');" };
    const missing = await fixture.pack("no-entry", "node", "main.mjs", files);
    expect(missing.result).toEqual({
      ok: false,
      message: "the entry file main.mjs was not found in the function's files",
    });
    const outside = await fixture.pack("outside", "node", "../../index.mjs", files);
    expect(outside.result).toMatchObject({ ok: false, message: expect.stringContaining("not a path inside") });
    const unknown = await fixture.pack("cobol", "cobol" as FunctionRuntimeName, "index.mjs", files);
    expect(unknown.result).toMatchObject({ ok: false, message: expect.stringContaining('unknown runtime "cobol"') });
  });
});

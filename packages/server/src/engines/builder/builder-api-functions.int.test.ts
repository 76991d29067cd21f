import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { functionsArtifactDir } from "./api-functions.ts";
import { type Artifact, BuildFailure, type BuildSpec } from "./builder.types.ts";
import {
  buildSpec,
  copyExample,
  createArchive,
  createBareRepository,
  examplesDir,
  openTestBuilder,
  recordBuild,
  writeTree,
} from "./builder-fixtures.ts";
import { listTree } from "./tree-hash.ts";

/** api/ functions packaged by real builds in the sandbox, with the functions engine's packager. */
describe("builder with api/ functions", () => {
  let harness: Awaited<ReturnType<typeof openTestBuilder>>;

  beforeAll(async () => {
    harness = await openTestBuilder();
  });
  afterAll(() => harness?.destroy());

  const run = (spec: BuildSpec, artifacts = new Map<string, Artifact>()) => {
    const build = recordBuild(artifacts);
    return { build, result: harness.builder.run(spec, build.events, new AbortController().signal) };
  };

  /** The static-with-api example with some files changed, as an uploaded archive. */
  async function exampleWith(name: string, files: Record<string, string>) {
    const source = join(harness.root, name);
    await copyExample(join(examplesDir, "static-with-api"), source);
    await writeTree(source, files);
    return buildSpec({ kind: "archive", path: await createArchive(harness.root, source) });
  }

  it("packages each api/ file as a function under .slipway/functions and leaves the sources out", async () => {
    const repo = await createBareRepository(harness.root, join(examplesDir, "static-with-api"));
    const spec = buildSpec({ kind: "git", url: `file://${repo.bare}`, ref: "main" });
    const { build, result: running } = run(spec);
    const result = await running;
    expect(result.settings).toMatchObject({ framework: "static", outputDir: "." });
    expect(result.functions).toEqual([
      { name: "hello", runtime: "node", entry: "hello.js" },
      { name: "time", runtime: "python", entry: "time.py" },
    ]);
    const published = (await listTree(result.artifact.dir)).map((entry) => entry.path).sort();
    const packaged = published.filter((path) => path.startsWith(`${functionsArtifactDir}/`));
    expect(published.filter((path) => !packaged.includes(path))).toEqual(["index.html"]);
    // Every function has the shared helpers, not the other functions' files.
    expect(packaged).toContain(`${functionsArtifactDir}/hello/hello.js`);
    expect(packaged).toContain(`${functionsArtifactDir}/hello/_greeting.js`);
    expect(packaged).toContain(`${functionsArtifactDir}/time/time.py`);
    expect(packaged).not.toContain(`${functionsArtifactDir}/hello/time.py`);
    expect(packaged).not.toContain(`${functionsArtifactDir}/time/hello.js`);
    const manifest = JSON.parse(
      await readFile(join(result.artifact.dir, functionsArtifactDir, "manifest.json"), "utf8"),
    );
    expect(manifest).toEqual(result.functions);
    const lines = build.logs.map((line) => line.text);
    expect(lines.some((line) => line.startsWith("function /api/hello: node from api/hello.js"))).toBe(true);
    expect(lines).toContain("package: left out api: the sources of the api/ functions");

    // The same source again reuses the artifact, functions and all.
    const again = await run(spec, new Map([[result.sourceKey, result.artifact]])).result;
    expect(again).toMatchObject({ isReused: true, artifact: result.artifact, functions: result.functions });
  });

  it("compiles a TypeScript function and passes over helpers and names that cannot be URLs", async () => {
    const spec = await exampleWith("typescript-api", {
      "api/sum.ts": `import { greeting } from "./_greeting.js";
        export default (request: Request): Response => Response.json({ sum: 1 + 2, hi: greeting("ts") });`,
      "api/two words.js": "export default () => new Response('no');",
      "api/types.d.ts": "export type X = number;",
      "api/lib/util.js": "export const util = 1;",
    });
    const { build, result } = run(spec);
    const { functions, artifact } = await result;
    expect(functions.map((fn) => `${fn.name}:${fn.runtime}:${fn.entry}`)).toEqual([
      "hello:node:hello.js",
      "sum:node:sum.mjs",
      "time:python:time.py",
    ]);
    const published = (await listTree(artifact.dir)).map((entry) => entry.path);
    expect(published).toContain(`${functionsArtifactDir}/sum/sum.mjs`);
    expect(published).toContain(`${functionsArtifactDir}/hello/lib/util.js`);
    expect(build.logs.map((line) => line.text)).toContain(
      'package: api/two words.js: "two words" is not a function name (up to 60 letters, digits, - and _)',
    );
  });

  it.each([
    { file: "broken.mjs", source: "export default function ( {\n", expected: "SyntaxError: Unexpected end of input" },
    {
      file: "broken.py",
      source: "def handler(request:\n    return {}\n",
      expected: "SyntaxError: '(' was never closed",
    },
  ])("fails at package with the parser's message when $file has a syntax error", async ({ file, source, expected }) => {
    const spec = await exampleWith(`broken-${file.replace(".", "-")}`, { [`api/${file}`]: source });
    const { build, result } = run(spec);
    const failure = await result.then(
      () => new Error("the build succeeded"),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BuildFailure);
    expect(failure).toMatchObject({ step: "package", reason: "function_invalid" });
    expect((failure as Error).message).toMatch(new RegExp(`^api/${file.replace(".", "\\.")}: syntax error:`));
    expect((failure as Error).message).toContain(expected);
    expect(build.finalSteps()).toMatchObject({ package: "failed" });
  });
});

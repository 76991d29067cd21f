import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../testing/test-store.ts";
import { findProcesses, uniqueSleepSeconds } from "../sandbox/sandbox-fixtures.ts";
import { BuildFailure, type BuildSpec } from "./builder.types.ts";
import {
  buildSpec,
  createArchive,
  createBareRepository,
  examplesDir,
  freePort,
  openTestBuilder,
  recordBuild,
  writeRawArchive,
  writeTree,
} from "./builder-fixtures.ts";

describe("builder failures", () => {
  let harness: Awaited<ReturnType<typeof openTestBuilder>>;
  let nodeBuildRepo: { bare: string; sha: string };
  let staticRepo: { bare: string; sha: string };

  beforeAll(async () => {
    harness = await openTestBuilder();
    nodeBuildRepo = await createBareRepository(harness.root, join(examplesDir, "node-build"));
    staticRepo = await createBareRepository(harness.root, join(examplesDir, "static-site"));
  });
  afterAll(() => harness?.destroy());

  /** Runs a build expected to fail; returns the failure and the recorded build. */
  const failBuild = async (spec: BuildSpec, signal = new AbortController().signal) => {
    const build = recordBuild();
    const error = await harness.builder.run(spec, build.events, signal).then(
      () => new Error("the build succeeded"),
      (caught: unknown) => caught,
    );
    if (!(error instanceof BuildFailure)) throw error;
    return { failure: error, build };
  };
  const nodeBuild = (overrides: Partial<BuildSpec> = {}) =>
    buildSpec({ kind: "git", url: `file://${nodeBuildRepo.bare}`, ref: "main" }, overrides);

  it("fails at build when the build command fails, with its last lines in the log", async () => {
    const buildCommand = "echo compiling...; echo 'src/app.js: unexpected token' >&2; exit 2";
    const { failure, build } = await failBuild(nodeBuild({ overrides: { buildCommand } }));
    expect(failure).toMatchObject({ step: "build", reason: "command_failed" });
    expect(failure.message).toContain("exited with code 2");
    const lines = build.logs.map((line) => `${line.stream}: ${line.text}`);
    expect(lines).toContain("stdout: compiling...");
    expect(lines).toContain("stderr: src/app.js: unexpected token");
    expect(build.finalSteps()).toMatchObject({ clone: "succeeded", build: "failed" });
    expect(build.finalSteps().package).toBeUndefined();
  });

  it("fails with hook_failed naming the pre-build hook", async () => {
    const { failure, build } = await failBuild(nodeBuild({ overrides: { preBuildHook: "test -f config.json" } }));
    expect(failure).toMatchObject({ step: "pre-build", reason: "hook_failed" });
    expect(failure.message).toContain("pre-build hook");
    expect(build.finalSteps()).toMatchObject({ "pre-build": "failed" });
    expect(build.finalSteps().build).toBeUndefined();
  });

  it("fails with output_missing when the build leaves no output directory", async () => {
    const { failure } = await failBuild(nodeBuild({ overrides: { buildCommand: "true", outputDir: "public" } }));
    expect(failure).toMatchObject({ step: "package", reason: "output_missing" });
  });

  it("refuses an output directory that is a symlink out of the workspace", async () => {
    const buildCommand = "ln -s /etc dist";
    const { failure } = await failBuild(nodeBuild({ overrides: { buildCommand } }));
    expect(failure).toMatchObject({ step: "package", reason: "output_missing" });
  });

  it("tells an unreachable repository from a missing branch", async () => {
    const port = await freePort();
    const unreachable = await failBuild(
      buildSpec({ kind: "git", url: `git://127.0.0.1:${port}/nothing.git`, ref: "main" }),
    );
    expect(unreachable.failure).toMatchObject({ step: "clone", reason: "source_unreachable" });
    const missing = await failBuild(buildSpec({ kind: "git", url: `file://${harness.root}/missing.git`, ref: "main" }));
    expect(missing.failure).toMatchObject({ step: "clone", reason: "source_unreachable" });
    const noBranch = await failBuild(
      nodeBuild({ source: { kind: "git", url: `file://${nodeBuildRepo.bare}`, ref: "nope" } }),
    );
    expect(noBranch.failure).toMatchObject({ step: "clone", reason: "ref_not_found" });
    expect(noBranch.failure.message).toContain("nope");
  });

  it("refuses git transports that are not allowed", async () => {
    const { failure } = await failBuild(buildSpec({ kind: "git", url: "ext::sh -c touch% /tmp/pwned", ref: "main" }));
    expect(failure).toMatchObject({ step: "clone", reason: "source_unreachable" });
  });

  it("builds a commit given by its sha, from a repository given as a plain path", async () => {
    const build = recordBuild();
    const result = await harness.builder.run(
      buildSpec({ kind: "git", url: staticRepo.bare, ref: staticRepo.sha }),
      build.events,
      new AbortController().signal,
    );
    expect(result.commitSha).toBe(staticRepo.sha);
  });

  it("refuses a root directory the source does not have", async () => {
    const spec = buildSpec({ kind: "git", url: `file://${staticRepo.bare}`, ref: "main" }, { rootDir: "apps/web" });
    const { failure } = await failBuild(spec);
    expect(failure).toMatchObject({ step: "clone", reason: "root_dir_missing" });
  });

  it.each([
    ["a path climbing out with ..", [{ path: "../evil", type: "File" as const, content: "x" }]],
    ["a symlink to /etc/passwd", [{ path: "passwd", type: "SymbolicLink" as const, linkpath: "/etc/passwd" }]],
  ])("refuses an archive with %s and writes nothing", async (_name, entries) => {
    const file = await writeRawArchive(harness.root, [
      { path: "index.html", type: "File", content: "<h1>hi</h1>" },
      ...entries,
    ]);
    const { failure, build } = await failBuild(buildSpec({ kind: "archive", path: file }));
    expect(failure).toMatchObject({ step: "clone", reason: "invalid_archive" });
    expect(build.finalSteps()).toEqual({ clone: "failed" });
  });

  it.skipIf(existsSync("/usr/bin/pnpm") || existsSync("/usr/local/bin/pnpm"))(
    "says so when the lockfile asks for a package manager this machine lacks",
    async () => {
      const source = join(harness.root, "pnpm-app");
      await writeTree(source, {
        "package.json": JSON.stringify({ scripts: { build: "vite build" }, devDependencies: { vite: "^8.0.0" } }),
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
      });
      const { failure } = await failBuild(
        buildSpec({ kind: "archive", path: await createArchive(harness.root, source) }),
      );
      expect(failure).toMatchObject({ step: "install", reason: "command_failed" });
      expect(failure.message).toContain("pnpm is not installed");
    },
  );

  it("masks secret values the build prints", async () => {
    const secret = "sk_live_51Habc123";
    const build = recordBuild();
    await harness.builder.run(
      nodeBuild({
        env: { STRIPE_KEY: secret, SHORT: "abc" },
        secrets: [secret, "abc"],
        overrides: { preBuildHook: 'echo "key is $STRIPE_KEY"; echo "short is $SHORT"' },
      }),
      build.events,
      new AbortController().signal,
    );
    expect(build.text()).not.toContain(secret);
    expect(build.text()).toContain("key is ••••••");
    // Values under 4 characters are not masked: they would blank out half the log.
    expect(build.text()).toContain("short is abc");
  });

  it("fails with timed_out when the build runs past its time limit", async () => {
    const marker = uniqueSleepSeconds();
    const limits = { memoryMb: 512, cpus: 1, pids: 256, timeoutSeconds: 4 };
    const { failure } = await failBuild(nodeBuild({ limits, overrides: { buildCommand: `sleep ${marker}` } }));
    expect(failure).toMatchObject({ step: "build", reason: "timed_out" });
    expect(await findProcesses(marker)).toEqual([]);
  });

  it("stops at once when canceled mid-install, leaving no process behind", async () => {
    const marker = uniqueSleepSeconds();
    const archive = await createArchive(harness.root, join(examplesDir, "vite-react"));
    const controller = new AbortController();
    const build = recordBuild();
    // The marker in npm's own arguments makes its processes findable.
    const spec = buildSpec(
      { kind: "archive", path: archive },
      { cacheScope: "prj_cancel", overrides: { installCommand: `npm ci --cache /tmp/home/npm-${marker}` } },
    );
    const running = harness.builder.run(spec, build.events, controller.signal).catch((error: unknown) => error);
    await waitFor("npm ci to start", async () => (await findProcesses(`npm-${marker}`)).length > 0);
    const canceledAt = performance.now();
    controller.abort();
    const failure = await running;
    expect(performance.now() - canceledAt).toBeLessThan(3_000);
    expect(failure).toMatchObject({ step: "install", reason: "canceled" });
    expect(build.finalSteps()).toMatchObject({ install: "canceled" });
    expect(await findProcesses(marker)).toEqual([]);
  });
});

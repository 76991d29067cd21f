import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Artifact, BuildResult } from "./builder.types.ts";
import {
  buildSpec,
  createArchive,
  createBareRepository,
  examplesDir,
  openTestBuilder,
  recordBuild,
  startFromArtifact,
  startGitDaemon,
} from "./builder-fixtures.ts";
import { listTree } from "./tree-hash.ts";

const publishedFiles = async (artifact: Artifact) => (await listTree(artifact.dir)).map((entry) => entry.path);

describe("builder with the example apps", () => {
  let harness: Awaited<ReturnType<typeof openTestBuilder>>;

  beforeAll(async () => {
    harness = await openTestBuilder();
  });
  afterAll(() => harness?.destroy());

  it("offers the Node versions installed on this machine", async () => {
    expect(await harness.builder.nodeVersions()).toContain(process.versions.node.split(".")[0]);
  });

  it("publishes the static site from a file:// repository as is", async () => {
    const repo = await createBareRepository(harness.root, join(examplesDir, "static-site"));
    const build = recordBuild();
    const result = await harness.builder.run(
      buildSpec({ kind: "git", url: `file://${repo.bare}`, ref: "main" }),
      build.events,
      new AbortController().signal,
    );
    expect(result).toMatchObject({ commitSha: repo.sha, cache: "none", isReused: false });
    expect(result.settings).toMatchObject({ framework: "static", buildCommand: null, outputDir: "." });
    expect((await publishedFiles(result.artifact)).sort()).toEqual([
      "404.html",
      "about.html",
      "css/site.css",
      "images/favicon.png",
      "images/logo.svg",
      "index.html",
    ]);
    expect(build.finalSteps()).toEqual({
      clone: "succeeded",
      install: "skipped",
      "pre-build": "skipped",
      build: "skipped",
      "post-build": "skipped",
      package: "succeeded",
    });
    // The log opens with what isolation the build got.
    expect(build.logs[0]?.text).toMatch(/^isolation: bubblewrap/);
    expect(build.isolation[0]).toMatchObject({ sandbox: "bubblewrap", wallClockLimitSeconds: 300 });
    expect(build.isolation[0]?.hostUid).not.toBe(0);
    expect(build.text()).toContain(`commit ${repo.sha}`);
  });

  it("builds the Node app from a git:// repository and publishes what its build script wrote", async () => {
    const repo = await createBareRepository(harness.root, join(examplesDir, "node-build"), "node-build");
    const daemon = await startGitDaemon(harness.root);
    try {
      const build = recordBuild();
      const result = await harness.builder.run(
        buildSpec({ kind: "git", url: daemon.url("node-build.git"), ref: "main" }, { env: { BUILD_LABEL: "ci" } }),
        build.events,
        new AbortController().signal,
      );
      expect(result.settings).toMatchObject({ framework: "node", buildCommand: "npm run build", outputDir: "dist" });
      expect(result.commitSha).toBe(repo.sha);
      const files = await publishedFiles(result.artifact);
      expect(files).toContain("index.html");
      expect(files.some((file) => /^assets\/app\.[0-9a-f]{10}\.js$/.test(file))).toBe(true);
      expect(await readFile(join(result.artifact.dir, "index.html"), "utf8")).toContain('data-built-at="ci"');
      expect(build.finalSteps()).toMatchObject({ install: "skipped", build: "succeeded", package: "succeeded" });
    } finally {
      daemon.stop();
    }
  });

  describe("the Node server from a git repository", () => {
    const artifacts = new Map<string, Artifact>();
    let repo: Awaited<ReturnType<typeof createBareRepository>>;
    let first: BuildResult;

    beforeAll(async () => {
      repo = await createBareRepository(harness.root, join(examplesDir, "node-server"), "node-server");
    });

    it("publishes the whole app directory with `node server.js` as the start command", async () => {
      const build = recordBuild(artifacts);
      first = await harness.builder.run(
        buildSpec({ kind: "git", url: `file://${repo.bare}`, ref: "main" }),
        build.events,
        new AbortController().signal,
      );
      artifacts.set(first.sourceKey, first.artifact);
      expect(first.settings).toMatchObject({
        framework: "node-server",
        installCommand: null,
        buildCommand: null,
        outputDir: ".",
        startCommand: "node server.js",
      });
      expect((await publishedFiles(first.artifact)).sort()).toEqual(["package.json", "server.js"]);
      expect(build.finalSteps()).toMatchObject({ install: "skipped", build: "skipped", package: "succeeded" });
      expect(build.text()).toContain("start node server.js");
    });

    it("reuses the artifact when the same commit is built again", async () => {
      const build = recordBuild(artifacts);
      const again = await harness.builder.run(
        buildSpec({ kind: "git", url: `file://${repo.bare}`, ref: "main" }),
        build.events,
        new AbortController().signal,
      );
      expect(again).toMatchObject({ isReused: true, sourceKey: first.sourceKey, artifact: first.artifact });
      expect(again.settings.startCommand).toBe("node server.js");
    });

    it("serves from the artifact on PORT, and exits 0 on SIGTERM", async () => {
      const app = await startFromArtifact(first.artifact, [process.execPath, "server.js"], { APP_VERSION: "v7" });
      try {
        expect(await (await fetch(`${app.url}/`)).text()).toContain("v7");
        expect(await (await fetch(`${app.url}/env/APP_VERSION`)).text()).toBe("v7");
      } finally {
        expect(await app.stop()).toBe(0);
      }
      expect(app.output()).toContain(`listening on ${app.port}`);
      expect(app.output()).toContain("shutting down");
    });
  });

  describe("the Express server from an uploaded archive", () => {
    const artifacts = new Map<string, Artifact>();
    let archive: string;
    let first: BuildResult;

    beforeAll(async () => {
      archive = await createArchive(harness.root, join(examplesDir, "express-ws"));
    });

    it("installs its dependencies with npm ci and publishes them with the app", async () => {
      const build = recordBuild(artifacts);
      first = await harness.builder.run(
        buildSpec({ kind: "archive", path: archive }, { cacheScope: "prj_express" }),
        build.events,
        new AbortController().signal,
      );
      artifacts.set(first.sourceKey, first.artifact);
      expect(first.settings).toMatchObject({
        framework: "node-server",
        installCommand: "npm ci",
        outputDir: ".",
        startCommand: "node server.js",
      });
      expect(first).toMatchObject({ cache: "miss", isReused: false });
      const files = await publishedFiles(first.artifact);
      expect(files).toContain("server.js");
      expect(files).toContain("node_modules/express/package.json");
      expect(files).toContain("node_modules/ws/package.json");
      expect(build.text()).toContain("$ npm ci");
    }, 180_000);

    it("reuses the artifact of an unchanged source without installing", async () => {
      const build = recordBuild(artifacts);
      const again = await harness.builder.run(
        buildSpec({ kind: "archive", path: archive }, { cacheScope: "prj_express" }),
        build.events,
        new AbortController().signal,
      );
      expect(again).toMatchObject({ isReused: true, artifact: first.artifact });
      expect(build.text()).not.toContain("$ npm ci");
    });

    it("installs from the dependency cache when only an env var changed, into the same artifact", async () => {
      const build = recordBuild(artifacts);
      const changed = await harness.builder.run(
        buildSpec({ kind: "archive", path: archive }, { cacheScope: "prj_express", env: { GREETING: "hello" } }),
        build.events,
        new AbortController().signal,
      );
      expect(changed).toMatchObject({ cache: "hit", isReused: false });
      expect(changed.sourceKey).not.toBe(first.sourceKey);
      // Env vars reach a server app when it runs, not its files: the tree, and so the artifact, is the same.
      expect(changed.artifact).toEqual(first.artifact);
    }, 120_000);

    it("serves HTTP and WebSockets from the artifact's node_modules", async () => {
      const app = await startFromArtifact(first.artifact, [process.execPath, "server.js"]);
      try {
        expect(await (await fetch(`${app.url}/`)).text()).toContain("express-ws");
        const { WebSocket } = createRequire(join(first.artifact.dir, "server.js"))("ws");
        const socket = new WebSocket(`ws://127.0.0.1:${app.port}/ws`);
        const greeting = await new Promise<string>((resolveMessage, reject) => {
          socket.once("message", (data: Buffer) => resolveMessage(data.toString()));
          socket.once("error", reject);
        });
        socket.close();
        expect(greeting).toMatch(/^welcome/);
      } finally {
        expect(await app.stop()).toBe(0);
      }
    });
  });

  describe("the Python app", () => {
    it("publishes app.py with `python3 app.py` as the start command, and it serves on PORT", async () => {
      const repo = await createBareRepository(harness.root, join(examplesDir, "python-app"), "python-app");
      const build = recordBuild();
      const result = await harness.builder.run(
        buildSpec({ kind: "git", url: `file://${repo.bare}`, ref: "main" }),
        build.events,
        new AbortController().signal,
      );
      expect(result.settings).toMatchObject({
        framework: "python",
        installCommand: null,
        buildCommand: null,
        outputDir: ".",
        startCommand: "python3 app.py",
      });
      expect(await publishedFiles(result.artifact)).toEqual(["app.py"]);
      const app = await startFromArtifact(result.artifact, ["python3", "app.py"]);
      try {
        const headers = await (await fetch(`${app.url}/headers`, { headers: { "x-forwarded-proto": "https" } })).json();
        expect(headers).toMatchObject({ "x-forwarded-proto": "https" });
      } finally {
        expect(await app.stop()).toBe(0);
      }
    });
  });

  describe("the Vite app from an uploaded archive", () => {
    const artifacts = new Map<string, Artifact>();
    let archive: string;
    let first: Awaited<ReturnType<typeof harness.builder.run>>;

    beforeAll(async () => {
      archive = await createArchive(harness.root, join(examplesDir, "vite-react"));
    });

    it("installs with npm ci, builds, and publishes dist with the single-page fallback", async () => {
      const build = recordBuild(artifacts);
      first = await harness.builder.run(
        buildSpec({ kind: "archive", path: archive }, { env: { VITE_GREETING: "first readers" } }),
        build.events,
        new AbortController().signal,
      );
      artifacts.set(first.sourceKey, first.artifact);
      expect(first.settings).toMatchObject({ framework: "vite", installCommand: "npm ci", spaFallback: true });
      expect(first).toMatchObject({ cache: "miss", isReused: false, commitSha: null });
      const files = await publishedFiles(first.artifact);
      expect(files).toContain("index.html");
      expect(files).toContain("favicon.svg");
      const scripts = files.filter((file) => /^assets\/.*\.js$/.test(file));
      expect(scripts).toHaveLength(1);
      expect(await readFile(join(first.artifact.dir, scripts[0] as string), "utf8")).toContain("first readers");
      expect(build.text()).toContain("$ npm ci");
    }, 180_000);

    it("reuses the artifact of an identical source without installing or building", async () => {
      const build = recordBuild(artifacts);
      const again = await harness.builder.run(
        buildSpec({ kind: "archive", path: archive }, { env: { VITE_GREETING: "first readers" } }),
        build.events,
        new AbortController().signal,
      );
      expect(again).toMatchObject({ isReused: true, sourceKey: first.sourceKey });
      expect(again.artifact).toEqual(first.artifact);
      expect(build.finalSteps()).toMatchObject({ install: "skipped", build: "skipped", package: "skipped" });
      expect(build.text()).not.toContain("$ npm ci");
    });

    it("restores node_modules from the cache when only an env var changed, and builds anew", async () => {
      const build = recordBuild(artifacts);
      const changed = await harness.builder.run(
        buildSpec({ kind: "archive", path: archive }, { env: { VITE_GREETING: "second readers" } }),
        build.events,
        new AbortController().signal,
      );
      expect(changed).toMatchObject({ cache: "hit", isReused: false });
      expect(changed.sourceKey).not.toBe(first.sourceKey);
      expect(changed.artifact.hash).not.toBe(first.artifact.hash);
      expect(build.finalSteps()).toMatchObject({ install: "succeeded", build: "succeeded" });
      expect(build.text()).not.toContain("$ npm ci");
      const assets = await readdir(join(changed.artifact.dir, "assets"));
      const script = assets.find((name) => name.endsWith(".js")) as string;
      expect(await readFile(join(changed.artifact.dir, "assets", script), "utf8")).toContain("second readers");
    }, 120_000);

    it("shares one artifact directory between builds that publish identical trees", async () => {
      const build = recordBuild();
      const rebuilt = await harness.builder.run(
        buildSpec({ kind: "archive", path: archive }, { env: { VITE_GREETING: "first readers" } }),
        build.events,
        new AbortController().signal,
      );
      expect(rebuilt.isReused).toBe(false);
      expect(rebuilt.artifact).toEqual(first.artifact);
    }, 120_000);

    it("detects the settings of an uploaded source without building it", async () => {
      expect(await harness.builder.detect({ kind: "archive", path: archive }, "")).toMatchObject({
        framework: "vite",
        installCommand: "npm ci",
        outputDir: "dist",
      });
    });

    it("forgets a project's dependencies when its cache is cleared", async () => {
      await harness.builder.clearCache({ cacheScope: "prj_test" });
      expect(existsSync(join(harness.dataDir, "cache", "prj_test"))).toBe(false);
    });
  });
});

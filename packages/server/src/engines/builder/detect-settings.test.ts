import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { examplesDir, writeTree } from "./builder-fixtures.ts";
import { detectSettings, mergeSettings } from "./detect-settings.ts";

describe("build settings detection", () => {
  let root: string;
  let counter = 0;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "slipway-detect-test-"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const detectTree = async (files: Record<string, string>, nodeVersions = ["20"]) => {
    const dir = join(root, `tree-${++counter}`);
    await writeTree(dir, files);
    return detectSettings(dir, nodeVersions);
  };
  const manifest = (value: object) => JSON.stringify(value);

  it("publishes a plain HTML site from its root, without install or build", async () => {
    expect(await detectSettings(join(examplesDir, "static-site"), ["20"])).toMatchObject({
      framework: "static",
      installCommand: null,
      buildCommand: null,
      outputDir: ".",
      spaFallback: false,
      nodeVersion: "20",
    });
  });

  it("publishes public/ when the site lives there", async () => {
    expect(await detectTree({ "public/index.html": "<h1>hi</h1>" })).toMatchObject({ outputDir: "public" });
  });

  it("treats a package.json without a build script as a static site", async () => {
    const settings = await detectTree({ "package.json": manifest({ name: "x" }), "index.html": "hi" });
    expect(settings).toMatchObject({ framework: "static", installCommand: null, outputDir: "." });
  });

  it("recognizes Vite with npm ci from its lockfile", async () => {
    expect(await detectSettings(join(examplesDir, "vite-react"), ["20"])).toMatchObject({
      framework: "vite",
      installCommand: "npm ci",
      buildCommand: "npm run build",
      outputDir: "dist",
      spaFallback: true,
    });
  });

  it("recognizes a Node app with build and start scripts and nothing to install", async () => {
    expect(await detectSettings(join(examplesDir, "node-build"), ["20"])).toMatchObject({
      framework: "node",
      installCommand: null,
      buildCommand: "npm run build",
      outputDir: "dist",
    });
  });

  it("recognizes a Next.js static export", async () => {
    const settings = await detectTree({
      "package.json": manifest({ scripts: { build: "next build" }, dependencies: { next: "15.0.0" } }),
      "next.config.mjs": "export default { output: 'export' };",
    });
    expect(settings).toMatchObject({ framework: "nextjs-export", outputDir: "out", installCommand: "npm install" });
  });

  it("uses the package manager whose lockfile is there", async () => {
    const deps = { dependencies: { vite: "^8.0.0" } };
    expect(await detectTree({ "package.json": manifest(deps), "pnpm-lock.yaml": "" })).toMatchObject({
      installCommand: "pnpm install --frozen-lockfile",
      buildCommand: "npx vite build",
    });
    expect(await detectTree({ "package.json": manifest(deps), "yarn.lock": "" })).toMatchObject({
      installCommand: "yarn install --frozen-lockfile",
    });
  });

  it("picks an installed Node major that engines.node accepts", async () => {
    const settings = await detectTree({ "package.json": manifest({ engines: { node: ">=22" } }) }, ["20", "22"]);
    expect(settings.nodeVersion).toBe("22");
  });

  it("does not read a package.json that is a symlink out of the tree", async () => {
    const dir = join(root, "linked");
    await writeTree(dir, { "index.html": "hi" });
    await symlink(join(examplesDir, "vite-react", "package.json"), join(dir, "package.json"));
    expect(await detectSettings(dir, ["20"])).toMatchObject({ framework: "static" });
  });

  it("starts a Node server with its plain `node` start script, publishing the whole directory", async () => {
    expect(await detectSettings(join(examplesDir, "node-server"), ["20"])).toMatchObject({
      framework: "node-server",
      installCommand: null,
      buildCommand: null,
      outputDir: ".",
      spaFallback: false,
      startCommand: "node server.js",
    });
  });

  it("installs an Express server's dependencies from its lockfile", async () => {
    expect(await detectSettings(join(examplesDir, "express-ws"), ["20"])).toMatchObject({
      framework: "node-server",
      installCommand: "npm ci",
      buildCommand: null,
      outputDir: ".",
      startCommand: "node server.js",
    });
  });

  it("starts through the package manager when the start script is more than `node <file>`", async () => {
    const withEnv = await detectTree({ "package.json": manifest({ scripts: { start: "PORT=1 node app.js" } }) });
    expect(withEnv).toMatchObject({ framework: "node-server", startCommand: "npm start" });
    const withHook = await detectTree({
      "package.json": manifest({ scripts: { prestart: "node check.js", start: "node app.js" } }),
    });
    expect(withHook.startCommand).toBe("npm start");
    const withYarn = await detectTree({
      "package.json": manifest({ scripts: { start: "node app.js && echo done" }, dependencies: { koa: "^2.0.0" } }),
      "yarn.lock": "",
    });
    expect(withYarn).toMatchObject({ startCommand: "yarn start", installCommand: "yarn install --frozen-lockfile" });
  });

  it("keeps the build step of a server framework app that compiles before it starts", async () => {
    const settings = await detectTree({
      "package.json": manifest({
        scripts: { build: "tsc", start: "node --enable-source-maps dist/main.js" },
        dependencies: { fastify: "^5.0.0" },
      }),
      "package-lock.json": "{}",
    });
    expect(settings).toMatchObject({
      framework: "node-server",
      installCommand: "npm ci",
      buildCommand: "npm run build",
      outputDir: ".",
      startCommand: "node --enable-source-maps dist/main.js",
    });
  });

  it("starts a server framework app without a start script from its main file, else server.js or index.js", async () => {
    const fromMain = await detectTree({
      "package.json": manifest({ main: "./src/main.js", dependencies: { hono: "^4.0.0" } }),
      "src/main.js": "",
    });
    expect(fromMain).toMatchObject({ framework: "node-server", startCommand: "node src/main.js" });
    const fromIndex = await detectTree({
      "package.json": manifest({ main: "missing.js", dependencies: { ws: "^8.0.0" } }),
      "index.js": "",
    });
    expect(fromIndex.startCommand).toBe("node index.js");
    const noEntry = await detectTree({ "package.json": manifest({ dependencies: { express: "^5.0.0" } }) });
    expect(noEntry).toMatchObject({ framework: "static", startCommand: null });
  });

  it("keeps a build-then-serve app without a server framework a static build", async () => {
    expect((await detectSettings(join(examplesDir, "node-build"), ["20"])).startCommand).toBeNull();
  });

  it("runs a Python app with python3 and its entry file", async () => {
    expect(await detectSettings(join(examplesDir, "python-app"), ["20"])).toMatchObject({
      framework: "python",
      installCommand: null,
      buildCommand: null,
      outputDir: ".",
      spaFallback: false,
      startCommand: "python3 app.py",
    });
  });

  it("installs a Python app's requirements into the app directory and puts them on PYTHONPATH", async () => {
    const settings = await detectTree({ "requirements.txt": "flask\n", "main.py": "", "wsgi.py": "" });
    expect(settings).toMatchObject({
      framework: "python",
      installCommand: "python3 -m pip install --target .python-packages -r requirements.txt",
      startCommand: "PYTHONPATH=.python-packages python3 main.py",
    });
    expect(await detectTree({ "pyproject.toml": "" })).toMatchObject({
      framework: "python",
      startCommand: "python3 app.py",
    });
  });

  it("leaves a tree with a package.json to the Node rules even with Python files in it", async () => {
    const settings = await detectTree({ "package.json": manifest({ name: "x" }), "app.py": "", "index.html": "" });
    expect(settings).toMatchObject({ framework: "static", startCommand: null });
  });

  it("lays the project's settings over the detected ones", async () => {
    const detected = await detectSettings(join(examplesDir, "node-build"), ["20"]);
    const merged = mergeSettings(detected, { outputDir: "build", buildCommand: undefined, preBuildHook: "echo hi" });
    expect(merged).toMatchObject({ outputDir: "build", buildCommand: "npm run build", preBuildHook: "echo hi" });
  });
});

import { access, lstat, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { BuildSettings } from "./builder.types.ts";

type PackageJson = {
  main?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  engines?: { node?: string };
};

type PackageManager = "npm" | "yarn" | "pnpm";

/** Lockfiles by package manager, in the order they win when a tree has several. */
const lockfiles: [string, PackageManager][] = [
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["package-lock.json", "npm"],
  ["npm-shrinkwrap.json", "npm"],
];

const installCommands: Record<PackageManager, { locked: string; unlocked: string }> = {
  npm: { locked: "npm ci", unlocked: "npm install" },
  yarn: { locked: "yarn install --frozen-lockfile", unlocked: "yarn install" },
  pnpm: { locked: "pnpm install --frozen-lockfile", unlocked: "pnpm install" },
};

const nextConfigFiles = ["next.config.js", "next.config.mjs", "next.config.cjs", "next.config.ts"];

/** A dependency on one of these makes a package a server even when it also has a build script. */
const serverDependencies = ["express", "fastify", "koa", "hono", "@hono/node-server", "ws"];

/** Where a server package without a start script starts from, after its `main`. */
const nodeEntryFiles = ["server.js", "index.js"];

/** A Python app's entry file, in the order they win; the app is run as `python3 <file>`. */
const pythonEntryFiles = ["app.py", "main.py", "wsgi.py"];

/** What `pip install --target` fills; on PYTHONPATH when the app starts. */
export const pythonPackagesDir = ".python-packages";

/**
 * What a source tree looks like it wants, from its files alone:
 * - no package.json: a Python app when there is a requirements.txt, a pyproject.toml or an
 *   app.py/main.py/wsgi.py (see detectPython); otherwise static, published from public/ if
 *   there is one without an index.html at the root, else from the root;
 * - `next` with `output: 'export'` in next.config.*: a static export, published from out/;
 * - `vite`: `build` script (or `vite build`), published from dist/, single-page fallback on;
 * - a dependency on a server framework (express, fastify, koa, hono, ws) with a start script or
 *   an entry file (`main`, server.js, index.js), or a start script and no build script: a Node
 *   server, its whole directory published and started with the start script;
 * - any other package.json with a build script: a Node app, published from dist/ (or build/,
 *   decided when the build has run: see resolveNodeOutputDir). A start script next to a build
 *   script without a server framework (build to dist/, then serve it) stays a static build.
 * `nodeVersions` are the majors installed here; `engines.node` picks one of them when it can.
 */
export async function detectSettings(appDir: string, nodeVersions: string[]): Promise<BuildSettings> {
  const defaultNode = nodeVersions[0] ?? process.versions.node.split(".")[0] ?? "20";
  const manifest = await readPackageJson(appDir);
  const base = {
    nodeVersion: pickNodeVersion(manifest?.engines?.node, nodeVersions) ?? defaultNode,
    preBuildHook: null,
    postBuildHook: null,
    startCommand: null,
  };
  const staticSite = async (installCommand: string | null): Promise<BuildSettings> => {
    const isPublicSite = (await exists(join(appDir, "public"))) && !(await exists(join(appDir, "index.html")));
    const outputDir = isPublicSite ? "public" : ".";
    return { ...base, framework: "static", installCommand, buildCommand: null, outputDir, spaFallback: false };
  };
  if (!manifest) return (await detectPython(appDir, base)) ?? staticSite(null);

  const lockfile = await findLockfile(appDir);
  const manager = lockfile?.manager ?? "npm";
  const dependencies = { ...manifest.dependencies, ...manifest.devDependencies };
  const hasDependencies = Object.keys(dependencies).length > 0;
  const installCommand = hasDependencies ? installCommands[manager][lockfile ? "locked" : "unlocked"] : null;
  const scripts = manifest.scripts ?? {};
  const runBuild = `${manager} run build`;

  if ("next" in dependencies && (await isNextStaticExport(appDir))) {
    const buildCommand = scripts.build ? runBuild : "npx next build";
    return { ...base, framework: "nextjs-export", installCommand, buildCommand, outputDir: "out", spaFallback: false };
  }
  if ("vite" in dependencies) {
    const buildCommand = scripts.build ? runBuild : "npx vite build";
    return { ...base, framework: "vite", installCommand, buildCommand, outputDir: "dist", spaFallback: true };
  }
  const startCommand = await detectNodeServer(appDir, manifest, manager, dependencies);
  if (startCommand) {
    const buildCommand = scripts.build ? runBuild : null;
    return {
      ...base,
      framework: "node-server",
      installCommand,
      buildCommand,
      outputDir: ".",
      spaFallback: false,
      startCommand,
    };
  }
  if (!scripts.build) return staticSite(installCommand);
  return { ...base, framework: "node", installCommand, buildCommand: runBuild, outputDir: "dist", spaFallback: false };
}

/** How a Node package starts when it is a server, or null when it is not one. */
async function detectNodeServer(
  appDir: string,
  manifest: PackageJson,
  manager: PackageManager,
  dependencies: Record<string, string>,
): Promise<string | null> {
  const scripts = manifest.scripts ?? {};
  const hasServerDependency = serverDependencies.some((name) => name in dependencies);
  if (scripts.start && (hasServerDependency || !scripts.build)) return nodeStartCommand(manager, scripts);
  if (!hasServerDependency) return null;
  return nodeEntryCommand(appDir, manifest.main, Boolean(scripts.build));
}

/**
 * `node <file> [args]` as written, when the start script is only that: the runtime then runs
 * one process per instance instead of npm plus node. Anything else (env assignments, shell
 * syntax, prestart/poststart hooks npm would run) goes through the package manager.
 */
function nodeStartCommand(manager: PackageManager, scripts: Record<string, string>): string {
  const start = (scripts.start ?? "").trim();
  const isPlainNode = /^node(\s+[\w@%+=:,./-]+)+$/.test(start) && start.length <= 1000;
  if (isPlainNode && !scripts.prestart && !scripts.poststart) return start;
  return `${manager} start`;
}

/** `node <entry>` for a server package without a start script: `main` (built or there), else server.js or index.js. */
async function nodeEntryCommand(appDir: string, main: string | undefined, hasBuild: boolean): Promise<string | null> {
  const declared = main?.trim().replace(/^\.\//, "");
  // Only names that need no quoting in a shell command; anything else is left to the project to set.
  if (declared && /^[\w@%+=:,./-]+$/.test(declared) && !declared.startsWith("-")) {
    if (hasBuild || (await isRegularFile(join(appDir, declared)))) return `node ${declared}`;
  }
  for (const name of nodeEntryFiles) {
    if (await isRegularFile(join(appDir, name))) return `node ${name}`;
  }
  return null;
}

/**
 * A Python app (no package.json): requirements.txt, pyproject.toml or an entry file at the
 * root. Started as `python3 <entry>`; without an entry file, app.py, for the project to fix.
 * Dependencies from requirements.txt go into the app directory (the artifact), with
 * PYTHONPATH pointing there when the app runs.
 */
async function detectPython(
  appDir: string,
  base: Pick<BuildSettings, "nodeVersion" | "preBuildHook" | "postBuildHook">,
): Promise<BuildSettings | null> {
  const hasRequirements = await isRegularFile(join(appDir, "requirements.txt"));
  const hasProject = await isRegularFile(join(appDir, "pyproject.toml"));
  let entry: string | null = null;
  for (const name of pythonEntryFiles) {
    if (await isRegularFile(join(appDir, name))) {
      entry = name;
      break;
    }
  }
  if (!hasRequirements && !hasProject && !entry) return null;
  const run = `python3 ${entry ?? pythonEntryFiles[0]}`;
  return {
    ...base,
    framework: "python",
    installCommand: hasRequirements ? `python3 -m pip install --target ${pythonPackagesDir} -r requirements.txt` : null,
    buildCommand: null,
    outputDir: ".",
    spaFallback: false,
    startCommand: hasRequirements ? `PYTHONPATH=${pythonPackagesDir} ${run}` : run,
  };
}

/** Detected settings with what the project fixed laid over them (undefined leaves a field alone). */
export function mergeSettings(detected: BuildSettings, overrides: Partial<BuildSettings>): BuildSettings {
  const defined = Object.entries(overrides).filter(([, value]) => value !== undefined);
  return { ...detected, ...Object.fromEntries(defined) };
}

/** Where a Node app's build put its files when the project did not say: dist/, else build/. */
export const nodeOutputFallbacks = ["dist", "build"];

/** The lockfile that decides the install, if any; its content keys the dependency cache. */
export async function findLockfile(appDir: string): Promise<{ path: string; manager: PackageManager } | null> {
  for (const [name, manager] of lockfiles) {
    if (await isRegularFile(join(appDir, name))) return { path: join(appDir, name), manager };
  }
  return null;
}

async function readPackageJson(appDir: string): Promise<PackageJson | null> {
  const text = await readRegularFile(join(appDir, "package.json"));
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === "object" ? (parsed as PackageJson) : null;
  } catch {
    // An unreadable package.json is the build's problem to report (npm will); detection treats it as absent.
    return null;
  }
}

async function isNextStaticExport(appDir: string): Promise<boolean> {
  for (const name of nextConfigFiles) {
    const text = (await readRegularFile(join(appDir, name))) ?? "";
    if (/output\s*:\s*["'`]export["'`]/.test(text)) return true;
  }
  return false;
}

/** The first installed major that `engines.node` names: ">=18", "^20.1", "20.x", "18 || 20". */
function pickNodeVersion(range: string | undefined, installed: string[]): string | null {
  if (!range) return null;
  const majors = [...range.matchAll(/(>=|>|\^|~|=)?\s*v?(\d+)/g)];
  for (const version of installed) {
    const major = Number(version);
    const isAccepted = majors.some(([, operator, value]) => {
      const wanted = Number(value);
      if (operator === ">=") return major >= wanted;
      if (operator === ">") return major > wanted;
      return major === wanted;
    });
    if (isAccepted) return version;
  }
  return null;
}

/** yarn and pnpm do not come with Node: the tool an install command needs and this machine lacks, if any. */
export async function findMissingPackageManager(installCommand: string, pathDirs: string[]): Promise<string | null> {
  const tool = installCommand.trim().split(/\s+/)[0];
  if (tool !== "yarn" && tool !== "pnpm") return null;
  for (const dir of pathDirs) {
    const isThere = await access(join(dir, tool), 1).then(
      () => true,
      () => false,
    );
    if (isThere) return null;
  }
  return tool;
}

/**
 * Detection runs as the platform's user on a tree the project controls: a symlink (a git repo
 * may hold `package.json -> /etc/...`) is never followed, only regular files are read.
 */
async function isRegularFile(path: string) {
  return lstat(path).then(
    (entry) => entry.isFile(),
    () => false,
  );
}

async function readRegularFile(path: string): Promise<string | null> {
  return (await isRegularFile(path)) ? readFile(path, "utf8") : null;
}

async function exists(path: string) {
  return access(path).then(
    () => true,
    () => false,
  );
}

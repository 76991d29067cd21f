import { lstat, mkdir, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, posix } from "node:path";
import type { Logger } from "../../platform/logger.ts";
import { findNodeInstallations } from "../builder/node-versions.ts";
import { defaultSandboxPath, isWorldTraversable } from "../sandbox/bwrap-arguments.ts";
import { runHostCommand } from "../sandbox/run-host-command.ts";
import type { Sandbox, SandboxBind, Workspace } from "../sandbox/sandbox.types.ts";
import type { FunctionRuntimeName } from "./function-runtime.ts";
import { buildGoFunction } from "./go-build.ts";
import { createStepRunner, type StepRunner, shellQuote, sourceSubdir } from "./packaging-steps.ts";

/**
 * Turns a function's folder into the code an instance runs (FunctionCode.codeDir): dependencies
 * installed, TypeScript bundled to JavaScript, Go compiled, and the entry checked for syntax
 * errors, so that a broken version fails here, with the compiler's message, and not on its
 * first invocation. Everything that reads or runs the user's code does so in the sandbox.
 */

export type PackageFunctionOptions = {
  sandbox: Sandbox;
  logger: Logger;
  /** A name from outside (a stored row): anything else than a known runtime is refused. */
  runtime: FunctionRuntimeName;
  /** The function's files; only read. */
  sourceDir: string;
  /** Relative to sourceDir: the module with the handler (Go: a file of package main). */
  entry: string;
  /** Replaced with the packaged code. */
  outDir: string;
  /** Kept between packagings, shared by every function: only the platform writes what is kept there. */
  cacheDir: string;
  signal?: AbortSignal;
  /** Each command and each line it prints. */
  onLog?: (line: string) => void;
};

export type PackageResult =
  /** entry: relative to outDir, what FunctionCode.entry names (Go: the binary). */
  { ok: true; entry: string; sizeBytes: number } | { ok: false; message: string };

type Packaged = { ok: true; entry: string; outputDir: string } | { ok: false; message: string };

type PackagingContext = {
  entry: string;
  sandbox: Sandbox;
  logger: Logger;
  workspace: Workspace;
  run: StepRunner;
  cacheDir: string;
  onLog?: ((line: string) => void) | undefined;
};

/** What a function's packaging may take: as much as a small build. */
const packagingLimits = { memoryMb: 1024, cpus: 1, pids: 512 };
const packagingTimeLimitSeconds = 5 * 60;
const esbuildMount = "/slipway/esbuild";

const packagers: Record<FunctionRuntimeName, (context: PackagingContext) => Promise<Packaged>> = {
  node: packageNode,
  python: ({ entry, run }) =>
    // SOURCE_DATE_EPOCH: the .pyc is checked by hash, so it stays valid in a copy with new mtimes.
    checkOnly(run, entry, {
      title: "syntax error",
      command: `python3 -m py_compile ${shellQuote(entry)}`,
      env: { SOURCE_DATE_EPOCH: "0" },
    }),
  ruby: ({ entry, run }) => checkOnly(run, entry, { title: "syntax error", command: `ruby -c ${shellQuote(entry)}` }),
  go: buildGoFunction,
};

export async function packageFunction(options: PackageFunctionOptions): Promise<PackageResult> {
  if (!Object.hasOwn(packagers, options.runtime)) {
    return { ok: false, message: `unknown runtime "${options.runtime}": one of ${Object.keys(packagers).join(", ")}` };
  }
  const entry = posix.normalize(options.entry);
  if (posix.isAbsolute(entry) || entry === "." || entry === ".." || entry.startsWith("../")) {
    return { ok: false, message: `the entry ${options.entry} is not a path inside the function's folder` };
  }
  if (!(await isEntryThere(options.sourceDir, entry))) {
    return { ok: false, message: `the entry file ${entry} was not found in the function's files` };
  }
  const workspace = await options.sandbox.createWorkspace("fn-package");
  try {
    await runHostCommand("cp", ["-a", options.sourceDir, join(workspace.dir, sourceSubdir)]);
    const run = createStepRunner({
      sandbox: options.sandbox,
      workspace,
      signal: options.signal ?? new AbortController().signal,
      timeLimitSeconds: packagingTimeLimitSeconds,
      limits: packagingLimits,
      onLog: options.onLog,
    });
    const context = {
      entry,
      sandbox: options.sandbox,
      logger: options.logger,
      workspace,
      run,
      cacheDir: options.cacheDir,
      onLog: options.onLog,
    };
    const packaged = await packagers[options.runtime](context);
    if (!packaged.ok) return packaged;
    await rm(options.outDir, { recursive: true, force: true });
    await mkdir(dirname(options.outDir), { recursive: true });
    await runHostCommand("cp", [
      "-a",
      "--no-preserve=ownership",
      join(workspace.dir, packaged.outputDir),
      options.outDir,
    ]);
    const sizeBytes = await keepPlainFiles(options.outDir);
    options.onLog?.(`packaged: ${packaged.entry}, ${sizeBytes} bytes`);
    return { ok: true, entry: packaged.entry, sizeBytes };
  } finally {
    await workspace.remove();
  }
}

/**
 * The entry is a file of the folder. A symbolic link on the way is not followed here, on the
 * host (where it would tell whether some host path exists): the sandbox resolves it, and the
 * step that reads the entry fails if it leads nowhere.
 */
async function isEntryThere(sourceDir: string, entry: string): Promise<boolean> {
  const parts = entry.split("/");
  for (let index = 1; index <= parts.length; index++) {
    const found = await lstat(join(sourceDir, ...parts.slice(0, index))).catch(() => null);
    if (!found) return false;
    if (found.isSymbolicLink()) return true;
    if (index === parts.length) return found.isFile();
  }
  return false;
}

async function checkOnly(run: StepRunner, entry: string, step: Parameters<StepRunner>[0]): Promise<Packaged> {
  const failed = await run(step);
  return failed ? { ok: false, message: failed } : { ok: true, entry, outputDir: sourceSubdir };
}

/**
 * npm install when package.json lists dependencies (the platform's own Node and npm, as the
 * builder runs them), a TypeScript entry bundled with its local imports into one .mjs (its
 * packages stay imports of node_modules), then `node --check` on what will be loaded.
 */
async function packageNode({ entry, workspace, run }: PackagingContext): Promise<Packaged> {
  const [node] = await findNodeInstallations();
  if (!node) return { ok: false, message: "Node is not installed on this machine" };
  const nodeBinds: SandboxBind[] = node.prefix ? [{ source: node.prefix, destination: node.prefix }] : [];
  const env = {
    npm_config_update_notifier: "false",
    ...(node.prefix ? { PATH: `${node.binDir}:${defaultSandboxPath}` } : {}),
  };
  const manifest = await dependencyCount(join(workspace.dir, sourceSubdir, "package.json"));
  if (typeof manifest === "string") return { ok: false, message: manifest };
  if (manifest > 0) {
    const command = "npm install --omit=dev --no-audit --no-fund";
    const failed = await run({ title: "npm install failed", command, env, binds: nodeBinds });
    if (failed) return { ok: false, message: failed };
  }
  let loaded = entry;
  if (/\.(?:[cm]?ts|tsx)$/.test(entry)) {
    loaded = entry.replace(/\.(?:[cm]?ts|tsx)$/, ".mjs");
    const esbuild = await esbuildBind();
    if (typeof esbuild === "string") return { ok: false, message: esbuild };
    const flags = `--bundle --platform=node --format=esm --packages=external --target=node${node.major}`;
    const command = `${esbuildMount}/esbuild ${shellQuote(entry)} ${flags} --outfile=${shellQuote(loaded)} --log-level=warning --color=false`;
    const failed = await run({
      title: "the TypeScript could not be compiled",
      command,
      env,
      binds: [...nodeBinds, esbuild],
    });
    if (failed) return { ok: false, message: failed };
  }
  // Node 20 loads a .js file with import/export as a module (syntax detection), but `--check`
  // reads such a file as CommonJS and passes a broken one: a .js that looks like a module is
  // checked as one (grep runs in the sandbox: the file is the user's).
  const file = shellQuote(loaded);
  const command = loaded.endsWith(".js")
    ? `if grep -qE '^[[:space:]]*(import|export)[[:space:]{*]' ${file}; then node --experimental-default-type=module --check ${file}; else node --check ${file}; fi`
    : `node --check ${file}`;
  return checkOnly(run, loaded, {
    title: "syntax error",
    command,
    env,
    binds: nodeBinds,
  });
}

/** How many dependencies package.json lists (0 without one), or why it cannot be read. */
async function dependencyCount(path: string): Promise<number | string> {
  const found = await lstat(path).catch(() => null);
  if (!found) return 0;
  if (!found.isFile()) return "package.json must be a plain file";
  try {
    const manifest = JSON.parse(await readFile(path, "utf8")) as { dependencies?: Record<string, string> };
    return Object.keys(manifest.dependencies ?? {}).length;
  } catch (error) {
    return `package.json is not valid JSON: ${(error as Error).message}`;
  }
}

/** The esbuild binary of the server's own dependency, bound read-only into the sandbox. */
async function esbuildBind(): Promise<SandboxBind | string> {
  const esbuildPackage = createRequire(import.meta.url).resolve("esbuild/package.json");
  const binary = createRequire(esbuildPackage).resolve(`@esbuild/${process.platform}-${process.arch}/bin/esbuild`);
  if (!(await isWorldTraversable(dirname(binary)))) return `esbuild (${binary}) is not reachable by the sandbox user`;
  return { source: dirname(binary), destination: esbuildMount };
}

/**
 * Drops what is neither a file, a directory nor a link (a FIFO made by an install script:
 * copying it into an instance would hang); returns the size of the files.
 */
async function keepPlainFiles(dir: string): Promise<number> {
  let size = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile()) size += (await lstat(path)).size;
    else if (!entry.isDirectory() && !entry.isSymbolicLink()) await rm(path, { force: true });
  }
  return size;
}

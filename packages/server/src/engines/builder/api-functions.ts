// A deployment's functions: each `api/<name>.<ext>` at the root of the project (as on Vercel,
// not in the build output) is packaged at build time into the artifact under
// `.slipway/functions/<name>/`, a path the edge never serves, and answers `/api/<name>` on every
// hostname of the deployment.
import { cp, lstat, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { extname, join } from "node:path";
import type { Logger } from "../../platform/logger.ts";
import { packageFunction } from "../functions/function-packager.ts";
import type { FunctionRuntimeName } from "../functions/function-runtime.ts";
import type { Sandbox } from "../sandbox/sandbox.types.ts";
import type { BuildLog } from "./build-log.ts";
import { type ApiFunction, BuildFailure } from "./builder.types.ts";

/** The source folder, relative to the project's root directory. */
export const apiSourceDir = "api";
/** Reserved at the top of every artifact: the edge answers nothing below it (see StaticCache). */
export const reservedArtifactDir = ".slipway";
/** Where packaged functions live in an artifact: `<this>/<name>/`, plus the manifest. */
export const functionsArtifactDir = `${reservedArtifactDir}/functions`;
const manifestFile = "manifest.json";

/** A function found in the source: `api/<file>`. */
export type ApiFunctionSource = { name: string; runtime: FunctionRuntimeName; file: string };

const runtimeByExtension: Record<string, FunctionRuntimeName> = {
  ".js": "node",
  ".mjs": "node",
  ".ts": "node",
  ".py": "python",
  ".rb": "ruby",
  ".go": "go",
};

/**
 * What fits in `/api/<name>` as it is: no dot (so `/api/hello.js` is never a function), nothing
 * to encode, and short enough to name the function's lines in the runtime logs.
 */
const functionName = /^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$/;

/**
 * The functions of a source tree: each file of `api/` whose extension names a runtime. Files
 * starting with `_` or `.`, type declarations and anything in a subfolder are helpers the
 * functions may import, not functions. `notes` says what was passed over, and why.
 */
export async function findApiFunctions(appDir: string): Promise<{ functions: ApiFunctionSource[]; notes: string[] }> {
  const dir = join(appDir, apiSourceDir);
  const isDirectory = await lstat(dir).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (!isDirectory) return { functions: [], notes: [] };
  const functions: ApiFunctionSource[] = [];
  const notes: string[] = [];
  const byName = new Map<string, string>();
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const extension = extname(entry.name);
    const runtime = runtimeByExtension[extension];
    const isHelper = entry.name.startsWith("_") || entry.name.startsWith(".") || entry.name.endsWith(".d.ts");
    if (runtime === undefined || isHelper) continue;
    if (!entry.isFile()) {
      notes.push(`${apiSourceDir}/${entry.name}: not a regular file, not a function`);
      continue;
    }
    const name = entry.name.slice(0, -extension.length);
    if (!functionName.test(name)) {
      notes.push(`${apiSourceDir}/${entry.name}: "${name}" is not a function name (up to 60 letters, digits, - and _)`);
      continue;
    }
    const other = byName.get(name);
    if (other !== undefined) {
      const message = `${apiSourceDir}/${other} and ${apiSourceDir}/${entry.name} would both answer /api/${name}: rename one`;
      throw new BuildFailure("package", "function_invalid", message);
    }
    byName.set(name, entry.name);
    functions.push({ name, runtime, file: entry.name });
  }
  return { functions, notes };
}

export type PackageApiFunctionsOptions = {
  /** Names the scratch workspace. */
  buildId: string;
  appDir: string;
  sandbox: Sandbox;
  logger: Logger;
  /** The packager's caches (npm, Go builds). */
  cacheDir: string;
  signal: AbortSignal;
  log: BuildLog;
};

/** Packaged functions, ready to be stored at functionsArtifactDir; remove() once stored. */
export type PackagedApiFunctions = { functions: ApiFunction[]; dir: string; remove(): Promise<void> };

/**
 * Packages each function of `api/` with the functions engine (dependencies installed, TypeScript
 * compiled, syntax checked, Go built), from a copy of `api/` without the other functions' files:
 * every function sees the shared helpers, and a Go function compiles alone. Null when the source
 * has no functions. A function that does not package fails the build with the compiler's message.
 */
export async function packageApiFunctions(options: PackageApiFunctionsOptions): Promise<PackagedApiFunctions | null> {
  const { log } = options;
  const found = await findApiFunctions(options.appDir);
  for (const note of found.notes) log.system(`package: ${note}`);
  if (found.functions.length === 0) return null;
  const scratch = await options.sandbox.createWorkspace(`api-${options.buildId}`);
  try {
    const outDir = join(scratch.dir, "functions");
    await mkdir(outDir);
    const functions: ApiFunction[] = [];
    for (const fn of found.functions) {
      functions.push(await packageOne(fn, found.functions, { ...options, outDir, scratchDir: scratch.dir }));
    }
    await writeFile(join(outDir, manifestFile), `${JSON.stringify(functions, null, 2)}\n`);
    return { functions, dir: outDir, remove: () => scratch.remove() };
  } catch (error) {
    await scratch.remove();
    throw error;
  }
}

async function packageOne(
  fn: ApiFunctionSource,
  all: ApiFunctionSource[],
  options: PackageApiFunctionsOptions & { outDir: string; scratchDir: string },
): Promise<ApiFunction> {
  const started = Date.now();
  const sourceDir = join(options.appDir, apiSourceDir);
  const source = join(options.scratchDir, `source-${fn.name}`);
  const others = new Set(all.filter((other) => other !== fn).map((other) => join(sourceDir, other.file)));
  await cp(sourceDir, source, {
    recursive: true,
    // A symlink could lead anywhere on the host; the other functions' files are theirs.
    filter: async (path) => !others.has(path) && !(await lstat(path)).isSymbolicLink(),
  });
  const result = await packageFunction({
    sandbox: options.sandbox,
    logger: options.logger,
    runtime: fn.runtime,
    sourceDir: source,
    entry: fn.file,
    outDir: join(options.outDir, fn.name),
    cacheDir: options.cacheDir,
    signal: options.signal,
    onLog: (line) => options.log.output("stdout", line),
  });
  // Canceled or past the deadline: not the function's fault (the step says which it was).
  if (options.signal.aborted) throw new Error(`packaging ${apiSourceDir}/${fn.file} was stopped`);
  if (!result.ok) {
    throw new BuildFailure("package", "function_invalid", `${apiSourceDir}/${fn.file}: ${result.message}`);
  }
  options.log.system(
    `function /api/${fn.name}: ${fn.runtime} from ${apiSourceDir}/${fn.file}, ${result.sizeBytes} bytes (${Date.now() - started} ms)`,
  );
  return { name: fn.name, runtime: fn.runtime, entry: result.entry };
}

/** The functions an artifact holds, from its manifest; none when it has no functions. */
export async function readApiFunctions(artifactDir: string): Promise<ApiFunction[]> {
  const text = await readFile(join(artifactDir, functionsArtifactDir, manifestFile), "utf8").catch(() => null);
  if (text === null) return [];
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (item): item is ApiFunction =>
      typeof item?.name === "string" && typeof item?.runtime === "string" && typeof item?.entry === "string",
  );
}

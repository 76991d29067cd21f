import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { type FunctionFiles, type FunctionRuntime, functionFilesSchema } from "@slipway/contracts";
import type { Client } from "../../client.ts";
import { CliError } from "../../errors.ts";
import { collectSourceTree } from "../../pack.ts";

const runtimeOfExtension: Record<string, FunctionRuntime> = {
  ".js": "node",
  ".mjs": "node",
  ".cjs": "node",
  ".ts": "node",
  ".mts": "node",
  ".py": "python",
  ".go": "go",
  ".rb": "ruby",
};

/** Entry files each runtime is recognized by, in order of preference. */
const entryCandidates: Record<FunctionRuntime, readonly string[]> = {
  node: ["index.mjs", "index.js", "index.ts", "index.cjs", "index.mts"],
  python: ["main.py"],
  go: ["main.go"],
  ruby: ["main.rb"],
};

/** A folder with one of these but no entry file still tells its runtime; the server picks the entry. */
const manifestRuntimes: Record<string, FunctionRuntime> = { "package.json": "node", "go.mod": "go" };

/** The most files, and characters per file, a function's first version may be created from as JSON. */
const maxJsonFiles = 100;
const maxJsonFileChars = 1_000_000;

export type DetectedSource = { runtime: FunctionRuntime; entry: string | undefined };

/**
 * Which runtime `dir` is written for, and its entry file: from `--entry`'s extension, else
 * the first entry file found (index.mjs/js/ts, main.py, main.go, main.rb), else package.json
 * or go.mod. `--runtime` narrows the search; undefined entry leaves the server's default.
 */
export async function detectSource(
  dir: string,
  given: { runtime: FunctionRuntime | undefined; entry: string | undefined },
): Promise<DetectedSource> {
  if (given.entry) {
    const runtime = given.runtime ?? runtimeOfExtension[extname(given.entry)];
    if (runtime) return { runtime, entry: given.entry };
    throw new CliError(`cannot tell the runtime of --entry ${given.entry} from its extension`, {
      hint: "pass --runtime node|python|go|ruby",
    });
  }
  const names = new Set(await readdir(dir));
  const runtimes = given.runtime ? [given.runtime] : (Object.keys(entryCandidates) as FunctionRuntime[]);
  for (const runtime of runtimes) {
    const entry = entryCandidates[runtime].find((name) => names.has(name));
    if (entry) return { runtime, entry };
  }
  if (given.runtime) return { runtime: given.runtime, entry: undefined };
  for (const [manifest, runtime] of Object.entries(manifestRuntimes)) {
    if (names.has(manifest)) return { runtime, entry: manifest === "package.json" ? await mainOf(dir) : undefined };
  }
  throw new CliError(`cannot tell which runtime ${dir} is written for`, {
    hint: "add index.mjs, main.py, main.go or main.rb, or pass --runtime and --entry",
  });
}

/** Whether `dir` holds `entry`, e.g. to keep a function's entry when it is still there. */
export async function hasEntry(dir: string, entry: string): Promise<boolean> {
  return readFile(join(dir, entry)).then(
    () => true,
    () => false,
  );
}

/**
 * The folder as the text files a function is created from, or undefined when it does not fit
 * that JSON form (binaries, symlinks, too many or too large files); then it is uploaded as a
 * .tar.gz instead. Leaves out what the upload would: ignored files, .git, node_modules.
 */
export async function readAsTextFiles(client: Client, dir: string): Promise<FunctionFiles | undefined> {
  const tree = await collectSourceTree(dir);
  const entries = tree.entries.filter((entry) => entry.kind !== "directory");
  if (entries.length > maxJsonFiles || entries.some((entry) => entry.kind === "symlink")) return undefined;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const files: Record<string, string> = {};
  for (const entry of entries) {
    let text: string;
    try {
      text = decoder.decode(await readFile(join(dir, entry.path)));
    } catch {
      return undefined;
    }
    if (text.includes("\0") || text.length > maxJsonFileChars) return undefined;
    files[entry.path] = text;
  }
  const parsed = functionFilesSchema.safeParse(files);
  if (!parsed.success) return undefined;
  for (const skipped of tree.skipped) client.output.warn(`left out ${skipped.path}: ${skipped.reason}`);
  return parsed.data;
}

/** package.json's `main`, when it names a file the node runtime can load. */
async function mainOf(dir: string): Promise<string | undefined> {
  try {
    const main: unknown = JSON.parse(await readFile(join(dir, "package.json"), "utf8")).main;
    return typeof main === "string" && runtimeOfExtension[extname(main)] === "node"
      ? main.replace(/^\.\//, "")
      : undefined;
  } catch {
    return undefined;
  }
}

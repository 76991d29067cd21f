import { lstat, readdir, readFile, readlink, realpath } from "node:fs/promises";
import { isAbsolute, join, posix, relative, sep } from "node:path";
import ignore, { type Ignore } from "ignore";
import { create } from "tar";

/**
 * Never uploaded, whatever the ignore files say, at any depth: version control, dependencies
 * the build installs itself, and the directory's link to its project.
 */
export const alwaysSkipped: ReadonlySet<string> = new Set([".git", "node_modules", ".slipway"]);
/** Read in every directory; `.slipwayignore` comes second, so its rules win over `.gitignore`'s. */
const ignoreFileNames = [".gitignore", ".slipwayignore"] as const;

export type SourceEntry = { path: string; kind: "file" | "directory" | "symlink"; bytes: number };
/** Left out for a reason other than an ignore rule, so the user hears about it. */
export type SkippedEntry = { path: string; reason: string };
export type SourceTree = { entries: SourceEntry[]; skipped: SkippedEntry[]; bytes: number };

/** The rules of one directory's ignore files; `base` is that directory, relative to the root. */
type RuleSet = { base: string; rules: Ignore };

/**
 * What `slipway deploy` uploads from `root`: every file, directory and symlink that no
 * `.gitignore` or `.slipwayignore` on its way down excludes (deeper files win, as in git),
 * in a stable order, with paths relative to `root` using `/`. Symlinks stay symlinks only
 * when they point inside `root` by a relative path; sockets, FIFOs and devices are left out.
 */
export async function collectSourceTree(root: string): Promise<SourceTree> {
  const tree: SourceTree = { entries: [], skipped: [], bytes: 0 };
  await walk({ root, realRoot: await realpath(root), tree }, "", []);
  return tree;
}

/** Writes `tree` as a gzipped tar to `file`, entries relative to `root`, links stored as links. */
export async function packSourceTree(root: string, tree: SourceTree, file: string): Promise<void> {
  // "./" keeps tar from reading a name that starts with "@" as another archive to append.
  const paths = tree.entries.map((entry) => `./${entry.path}`);
  await create({ gzip: true, file, cwd: root, portable: true, noDirRecurse: true, follow: false }, paths);
}

type WalkContext = { root: string; realRoot: string; tree: SourceTree };

async function walk(context: WalkContext, directory: string, inherited: readonly RuleSet[]): Promise<void> {
  const absolute = join(context.root, directory);
  const own = await readRules(absolute, directory);
  const ruleSets = own ? [...inherited, own] : inherited;
  const children = await readdir(absolute, { withFileTypes: true });
  children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const child of children) {
    if (alwaysSkipped.has(child.name)) continue;
    const path = directory ? `${directory}/${child.name}` : child.name;
    if (isIgnored(ruleSets, path, child.isDirectory())) continue;
    if (child.name.includes("\\")) {
      context.tree.skipped.push({ path, reason: "its name has a backslash, which is not portable" });
    } else if (child.isDirectory()) {
      context.tree.entries.push({ path, kind: "directory", bytes: 0 });
      await walk(context, path, ruleSets);
    } else if (child.isFile()) {
      const { size } = await lstat(join(absolute, child.name));
      context.tree.entries.push({ path, kind: "file", bytes: size });
      context.tree.bytes += size;
    } else if (child.isSymbolicLink()) {
      const problem = await checkSymlink(context, path);
      if (problem) context.tree.skipped.push({ path, reason: problem });
      else context.tree.entries.push({ path, kind: "symlink", bytes: 0 });
    } else {
      context.tree.skipped.push({ path, reason: "it is not a file, directory or symlink" });
    }
  }
}

async function readRules(absolute: string, base: string): Promise<RuleSet | undefined> {
  const texts = await Promise.all(ignoreFileNames.map((name) => readFile(join(absolute, name), "utf8").catch(absent)));
  const present = texts.filter((text): text is string => text !== undefined);
  if (present.length === 0) return undefined;
  const rules = ignore();
  // One add() per file: an array would be read as one pattern per element, not per line.
  for (const text of present) rules.add(text);
  return { base, rules };
}

/**
 * Walks the rule sets from the root down: each one's verdict on the path, relative to its own
 * directory, overrides the ones above it, so a deeper `!pattern` re-includes and a deeper
 * pattern excludes. Directories are tested with a trailing slash, as git does.
 */
function isIgnored(ruleSets: readonly RuleSet[], path: string, isDirectory: boolean): boolean {
  let isExcluded = false;
  for (const { base, rules } of ruleSets) {
    const local = base ? path.slice(base.length + 1) : path;
    const verdict = rules.test(isDirectory ? `${local}/` : local);
    if (verdict.ignored) isExcluded = true;
    else if (verdict.unignored) isExcluded = false;
  }
  return isExcluded;
}

/** Why a symlink cannot be uploaded, or undefined when it points inside the root. */
async function checkSymlink(context: WalkContext, path: string): Promise<string | undefined> {
  const absolute = join(context.root, path);
  const target = await readlink(absolute);
  if (posix.isAbsolute(target)) return `it is a symlink to the absolute path ${target}`;
  const lexical = posix.normalize(posix.join(posix.dirname(path), target));
  if (lexical === ".." || lexical.startsWith("../")) return `it is a symlink to ${target}, outside the directory`;
  // Through other symlinks it may still land outside; a link to nothing yet is kept as it is.
  const real = await realpath(absolute).catch((error: unknown) => (hasCode(error, "ELOOP") ? "loop" : absent(error)));
  if (real === "loop") return `it is a symlink to ${target}, which loops`;
  if (real !== undefined && !isInside(context.realRoot, real)) {
    return `it is a symlink to ${target}, which leads outside the directory`;
  }
  return undefined;
}

function isInside(root: string, path: string): boolean {
  const rest = relative(root, path);
  return rest !== ".." && !rest.startsWith(`..${sep}`) && !isAbsolute(rest);
}

function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}

/** Undefined for a path that is not there; any other failure is thrown on. */
function absent(error: unknown): undefined {
  if (hasCode(error, "ENOENT") || hasCode(error, "ENOTDIR")) return undefined;
  throw error;
}

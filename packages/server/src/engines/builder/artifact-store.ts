import type { Dirent } from "node:fs";
import { chmod, constants, copyFile, mkdir, readdir, realpath, rename, rm, stat, symlink } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { randomText } from "../../platform/ids.ts";
import type { Artifact } from "./builder.types.ts";
import { mapInParallel } from "./in-parallel.ts";
import { hashTree } from "./tree-hash.ts";

/**
 * What an artifact is for, which decides what of the output goes in:
 * - "static": files the edge serves. Regular files and directories only, never `.git` or
 *   `node_modules`; a symlink becomes the file it points at.
 * - "server": the directory a server app runs from (read-only). Everything but `.git`,
 *   node_modules included; executable bits kept; a symlink that stays inside the output is
 *   kept as a (relative) symlink, so node_modules/.bin and linked packages work.
 */
export type ArtifactKind = "static" | "server";

/** Never published, at any depth, by kind. */
const unpublishedNames: Record<ArtifactKind, ReadonlySet<string>> = {
  static: new Set([".git", "node_modules"]),
  server: new Set([".git"]),
};

/** Files copied at once: a node_modules holds thousands of small files, and each copy waits on the disk. */
const copyConcurrency = 32;

export type StoreArtifactOptions = {
  dataDir: string;
  /** The directory to publish; must resolve inside `workspaceRoot`. */
  outputDir: string;
  workspaceRoot: string;
  kind: ArtifactKind;
  /** Paths of the output (relative to it) not published, and why: the raw `api/` sources, the reserved `.slipway`. */
  leaveOut?: ReadonlyMap<string, string>;
  /** A directory added at `path` (relative), copied the way a server artifact is: packaged functions. */
  include?: { path: string; dir: string };
  /** Entries left out of the artifact, and why. */
  onSkipped(path: string, why: string): void;
};

/** Is `path` (already real) inside `root` (already real)? */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep));
}

/** The real path of the output directory, or null when it is missing, not a directory, or escapes the workspace. */
export async function resolveOutputDir(workspaceRoot: string, outputDir: string): Promise<string | null> {
  const root = await realpath(workspaceRoot);
  const real = await realpath(outputDir).catch(() => null);
  if (!real || !isInside(root, real)) return null;
  return (await stat(real)).isDirectory() ? real : null;
}

/**
 * Copies the output into `<dataDir>/artifacts/<sha256>/`, readable by any user (the sandbox
 * user reads it as "other"): files 0644 (0755 when executable, for server apps), directories
 * 0755. What goes in depends on the kind (see ArtifactKind). The copy is hashed (not the
 * workspace, which the build could still have been changing), then renamed into place, so a
 * reader never sees half an artifact and equal trees share one directory.
 */
export async function storeArtifact(options: StoreArtifactOptions): Promise<Artifact> {
  const workspaceRoot = await realpath(options.workspaceRoot);
  const outputRoot = await realpath(options.outputDir);
  const artifactsDir = join(options.dataDir, "artifacts");
  const staging = join(artifactsDir, `.staging-${randomText(12)}`);
  await mkdir(staging, { recursive: true });
  try {
    const copies: FileCopy[] = [];
    await planCopy({ ...options, workspaceRoot, outputRoot, staging, copies }, "");
    if (options.include) await planInclude({ ...options, staging, copies }, options.include);
    await mapInParallel(copies, copyConcurrency, copyFileWithMode);
    const tree = await hashTree(staging);
    const dir = join(artifactsDir, tree.hash);
    try {
      await rename(staging, dir);
    } catch (error) {
      // Another build published the same tree first: keep theirs.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    }
    return { hash: tree.hash, dir, files: tree.files, bytes: tree.bytes };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

type FileCopy = { source: string; target: string; sourceMode: number; mode: number };

type CopyContext = Omit<StoreArtifactOptions, "outputDir" | "dataDir"> & {
  /** Real paths. */
  workspaceRoot: string;
  outputRoot: string;
  staging: string;
  /** Filled with the files to copy; directories and symlinks are made while walking. */
  copies: FileCopy[];
};

/** Walks one directory of the output (never through a symlink): makes its directories and links, lists its files. */
async function planCopy(context: CopyContext, relativeDir: string): Promise<void> {
  const { kind, onSkipped } = context;
  const targetDir = join(context.staging, relativeDir);
  await chmod(targetDir, 0o755);
  const sourceDir = join(context.outputRoot, relativeDir);
  const entries: Dirent[] = await readdir(sourceDir, { withFileTypes: true });
  for (const entry of entries) {
    if (unpublishedNames[kind].has(entry.name)) continue;
    const path = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
    const why = context.leaveOut?.get(path);
    if (why !== undefined) {
      onSkipped(path, why);
      continue;
    }
    const source = join(sourceDir, entry.name);
    const target = join(targetDir, entry.name);
    if (entry.isDirectory()) {
      await mkdir(target);
      await planCopy(context, path);
    } else if (entry.isFile()) {
      const sourceMode = (await stat(source)).mode;
      context.copies.push({ source, target, sourceMode, mode: fileMode(kind, sourceMode) });
    } else if (entry.isSymbolicLink()) {
      const real = await realpath(source).catch(() => null);
      if (!real) {
        onSkipped(path, "broken symlink");
      } else if (!isInside(context.workspaceRoot, real)) {
        onSkipped(path, "symlink pointing outside the workspace");
      } else if (kind === "server" && isInside(context.outputRoot, real)) {
        // Relative, from where the link sits: the artifact is mounted elsewhere than the workspace was.
        await symlink(relative(sourceDir, real) || ".", target);
      } else {
        const pointed = await stat(real);
        if (pointed.isFile()) {
          context.copies.push({ source: real, target, sourceMode: pointed.mode, mode: fileMode(kind, pointed.mode) });
        } else if (kind === "server") onSkipped(path, "symlink to a directory outside the output directory");
        else onSkipped(path, "symlink to something other than a file");
      }
    } else {
      onSkipped(path, "not a regular file");
    }
  }
}

/** Copies `include.dir` into the staging tree at `include.path`, as a server artifact: node_modules and executables kept. */
async function planInclude(
  context: Omit<CopyContext, "workspaceRoot" | "outputRoot">,
  include: { path: string; dir: string },
) {
  let target = context.staging;
  for (const segment of include.path.split("/")) {
    target = join(target, segment);
    await mkdir(target, { recursive: true });
    await chmod(target, 0o755);
  }
  const root = await realpath(include.dir);
  await planCopy(
    { ...context, kind: "server", leaveOut: undefined, workspaceRoot: root, outputRoot: root, staging: target },
    "",
  );
}

function fileMode(kind: ArtifactKind, sourceMode: number) {
  return kind === "server" && (sourceMode & 0o111) !== 0 ? 0o755 : 0o644;
}

async function copyFileWithMode({ source, target, sourceMode, mode }: FileCopy) {
  // A reflink where the filesystem has them, a plain copy otherwise; never a hardlink into the workspace.
  await copyFile(source, target, constants.COPYFILE_FICLONE);
  // The copy has the source's permission bits; most installed files already have the ones wanted.
  if ((sourceMode & 0o7777) !== mode) await chmod(target, mode);
}

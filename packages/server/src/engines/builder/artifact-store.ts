import { chmod, constants, copyFile, lstat, mkdir, readdir, realpath, rename, rm, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { randomText } from "../../platform/ids.ts";
import type { Artifact } from "./builder.types.ts";
import { hashTree } from "./tree-hash.ts";

/** Never published, wherever they sit in the output: repository metadata and installed dependencies. */
export const unpublishedNames: ReadonlySet<string> = new Set([".git", "node_modules"]);

export type StoreArtifactOptions = {
  dataDir: string;
  /** The directory to publish; must resolve inside `workspaceRoot`. */
  outputDir: string;
  workspaceRoot: string;
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
 * Copies the output into `<dataDir>/artifacts/<sha256>/`: regular files (mode 0644) and
 * directories only; a symlink is replaced by the file it points at when that file is in the
 * workspace, and skipped otherwise. The copy is hashed (not the workspace, which the build
 * could still have been changing), then renamed into place, so a reader never sees half an
 * artifact and equal trees share one directory.
 */
export async function storeArtifact(options: StoreArtifactOptions): Promise<Artifact> {
  const root = await realpath(options.workspaceRoot);
  const artifactsDir = join(options.dataDir, "artifacts");
  const staging = join(artifactsDir, `.staging-${randomText(12)}`);
  await mkdir(staging, { recursive: true });
  try {
    await copyPublished(options.outputDir, staging, "", root, options.onSkipped);
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

async function copyPublished(
  sourceDir: string,
  targetDir: string,
  relativeDir: string,
  workspaceRoot: string,
  onSkipped: StoreArtifactOptions["onSkipped"],
): Promise<void> {
  await chmod(targetDir, 0o755);
  for (const name of await readdir(sourceDir)) {
    if (unpublishedNames.has(name)) continue;
    const source = join(sourceDir, name);
    const target = join(targetDir, name);
    const path = relativeDir ? `${relativeDir}/${name}` : name;
    const entry = await lstat(source);
    if (entry.isDirectory()) {
      await mkdir(target);
      await copyPublished(source, target, path, workspaceRoot, onSkipped);
    } else if (entry.isFile()) {
      await copyRegularFile(source, target);
    } else if (entry.isSymbolicLink()) {
      const real = await realpath(source).catch(() => null);
      if (!real || !isInside(workspaceRoot, real)) onSkipped(path, "symlink pointing outside the workspace");
      else if (!(await stat(real)).isFile()) onSkipped(path, "symlink to something other than a file");
      else await copyRegularFile(real, target);
    } else {
      onSkipped(path, "not a regular file");
    }
  }
}

async function copyRegularFile(source: string, target: string) {
  // A reflink where the filesystem has them, a plain copy otherwise; never a hardlink into the workspace.
  await copyFile(source, target, constants.COPYFILE_FICLONE);
  await chmod(target, 0o644);
}

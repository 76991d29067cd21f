import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { mapInParallel } from "./in-parallel.ts";

export type TreeHash = { hash: string; files: number; bytes: number };

/** Files read at once; the hash does not depend on it (entries are combined in path order). */
const hashConcurrency = 32;

/**
 * sha256 over a directory tree: each regular file by relative path, executable bit and
 * content; each symlink by path and target. Entries are sorted by path so the order the
 * filesystem lists them in does not matter; directories count only through what they hold.
 * Anything else (FIFOs, sockets) is left out. Names in `exclude` are skipped at any depth.
 */
export async function hashTree(root: string, exclude: ReadonlySet<string> = new Set()): Promise<TreeHash> {
  const entries = await listTree(root, exclude);
  const contents = await mapInParallel(entries, hashConcurrency, async (entry) =>
    entry.kind === "file" ? hashFile(join(root, entry.path), entry.size) : null,
  );
  const tree = createHash("sha256");
  let files = 0;
  let bytes = 0;
  for (const [index, entry] of entries.entries()) {
    if (entry.kind === "file") {
      const content = contents[index];
      tree.update(`file\0${entry.path}\0${entry.isExecutable ? "x" : "-"}\0${content}\n`);
      files += 1;
      bytes += entry.size;
    } else {
      tree.update(`link\0${entry.path}\0${entry.target}\n`);
      files += 1;
    }
  }
  return { hash: tree.digest("hex"), files, bytes };
}

export type TreeEntry =
  | { kind: "file"; path: string; size: number; isExecutable: boolean }
  | { kind: "link"; path: string; target: string };

/** Files and symlinks under root, relative paths with `/`, sorted; symlinks are not followed. */
export async function listTree(root: string, exclude: ReadonlySet<string> = new Set()): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const walk = async (relative: string) => {
    const names = (await readdir(join(root, relative))).filter((name) => !exclude.has(name));
    const paths = names.map((name) => (relative ? `${relative}/${name}` : name));
    const stats = await mapInParallel(paths, hashConcurrency, (path) => lstat(join(root, path)));
    for (const [index, stat] of stats.entries()) {
      const path = paths[index] as string;
      if (stat.isDirectory()) await walk(path);
      else if (stat.isFile()) {
        entries.push({ kind: "file", path, size: stat.size, isExecutable: (stat.mode & 0o111) !== 0 });
      } else if (stat.isSymbolicLink()) entries.push({ kind: "link", path, target: await readlink(join(root, path)) });
    }
  };
  await walk("");
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Below this a file is read whole: one read instead of a stream's open, reads and close. */
const wholeReadBytes = 1024 * 1024;

/** `size`, when known, lets a small file be read at once. */
export async function hashFile(path: string, size = Number.POSITIVE_INFINITY): Promise<string> {
  const hash = createHash("sha256");
  if (size <= wholeReadBytes) return hash.update(await readFile(path)).digest("hex");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** sha256 of a JSON-serializable value, keys in a stable order. */
export function hashValue(value: unknown): string {
  return createHash("sha256").update(stableJson(value)).digest("hex");
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    const record = value as Record<string, unknown>;
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson(record[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

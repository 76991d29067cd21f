import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";

export type TreeHash = { hash: string; files: number; bytes: number };

/**
 * sha256 over a directory tree: each regular file by relative path, executable bit and
 * content; each symlink by path and target. Entries are sorted by path so the order the
 * filesystem lists them in does not matter; directories count only through what they hold.
 * Anything else (FIFOs, sockets) is left out. Names in `exclude` are skipped at any depth.
 */
export async function hashTree(root: string, exclude: ReadonlySet<string> = new Set()): Promise<TreeHash> {
  const entries = await listTree(root, exclude);
  const tree = createHash("sha256");
  let files = 0;
  let bytes = 0;
  for (const entry of entries) {
    if (entry.kind === "file") {
      const content = await hashFile(join(root, entry.path));
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
    for (const name of names) {
      const path = relative ? `${relative}/${name}` : name;
      const stat = await lstat(join(root, path));
      if (stat.isDirectory()) await walk(path);
      else if (stat.isFile()) {
        entries.push({ kind: "file", path, size: stat.size, isExecutable: (stat.mode & 0o111) !== 0 });
      } else if (stat.isSymbolicLink()) entries.push({ kind: "link", path, target: await readlink(join(root, path)) });
    }
  };
  await walk("");
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
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

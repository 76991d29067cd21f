import { createReadStream } from "node:fs";
import { posix } from "node:path";
import { extract, Parser, type ReadEntry } from "tar";
import { BuildFailure } from "./builder.types.ts";

export type ArchiveLimits = {
  /** Sum of the unpacked file sizes. */
  maxBytes: number;
  maxEntries: number;
};

export const defaultArchiveLimits: ArchiveLimits = { maxBytes: 1024 ** 3, maxEntries: 100_000 };

const contentTypes = new Set(["File", "OldFile", "ContiguousFile"]);
const allowedTypes = new Set([...contentTypes, "Directory", "SymbolicLink", "Link"]);
/** Headers that describe the next entry; the parser folds them in, they create nothing. */
const headerTypes = new Set([
  "ExtendedHeader",
  "GlobalExtendedHeader",
  "OldExtendedHeader",
  "NextFileHasLongPath",
  "NextFileHasLongLinkpath",
  "OldGnuLongPath",
]);
const maxSymlinkHops = 40;

/**
 * Unpacks a .tar.gz into `dir`, all or nothing: a first pass reads every header and refuses
 * the archive (invalid_archive, with the reason) on a path that is absolute or climbs out
 * with `..`, a symlink or hardlink that resolves outside (following the archive's own
 * symlinks), an entry written through a symlink, a device, FIFO or other special file, or
 * more bytes or entries than `limits` (it stops reading at the first problem, so a gzip bomb
 * costs little). Only then does the second pass write anything.
 */
export async function extractArchive(options: { file: string; dir: string; limits: ArchiveLimits }): Promise<void> {
  const problem = await inspectArchive(options.file, options.limits);
  if (problem) throw new BuildFailure("clone", "invalid_archive", `the archive was refused: ${problem}`);
  await extract({
    file: options.file,
    cwd: options.dir,
    strict: true,
    preserveOwner: false,
    // Defense in depth: the first pass already refused anything this would drop.
    filter: (_path, entry) => "type" in entry && allowedTypes.has(entry.type),
  });
}

type Inventory = {
  kinds: Map<string, "content" | "dir" | "symlink" | "hardlink">;
  symlinks: Map<string, string>;
  hardlinks: Map<string, string>;
  entries: number;
  bytes: number;
};

/** Reads the headers; returns why the archive must be refused, or null. */
export async function inspectArchive(file: string, limits: ArchiveLimits): Promise<string | null> {
  const inventory: Inventory = { kinds: new Map(), symlinks: new Map(), hardlinks: new Map(), entries: 0, bytes: 0 };
  let problem: string | null = null;
  const source = createReadStream(file);
  await new Promise<void>((resolve) => {
    const stop = (why: string) => {
      problem ??= why;
      source.destroy();
      resolve();
    };
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        const why = problem ? null : recordEntry(inventory, entry, limits);
        entry.resume();
        if (why) stop(why);
      },
    });
    parser.on("error", (error: Error) => stop(`it is not a readable .tar.gz (${error.message})`));
    parser.on("end", () => resolve());
    source.on("error", (error) => stop(`it cannot be read (${error.message})`));
    source.pipe(parser);
  });
  return problem ?? checkLinks(inventory);
}

function recordEntry(inventory: Inventory, entry: ReadEntry, limits: ArchiveLimits): string | null {
  if (headerTypes.has(entry.type)) return null;
  const raw = entry.path;
  if (!allowedTypes.has(entry.type)) return `${raw} is a ${entry.type}, not a file, directory or link`;
  if (raw.includes("\0") || raw.includes("\\")) return `${JSON.stringify(raw)} is not a portable path`;
  if (posix.isAbsolute(raw)) return `${raw} is an absolute path`;
  const path = posix.normalize(raw).replace(/\/+$/, "");
  if (raw.split("/").includes("..") || path === ".." || path.startsWith("../")) return `${raw} climbs out with ..`;
  inventory.entries += 1;
  if (inventory.entries > limits.maxEntries) return `it has more than ${limits.maxEntries} entries`;
  if (contentTypes.has(entry.type)) {
    inventory.bytes += entry.size ?? 0;
    if (inventory.bytes > limits.maxBytes) return `it unpacks to more than ${limits.maxBytes} bytes`;
    inventory.kinds.set(path, "content");
  } else if (entry.type === "Directory") {
    inventory.kinds.set(path, "dir");
  } else {
    const target = entry.linkpath ?? "";
    if (!target || target.includes("\0")) return `${raw} is a link without a target`;
    if (posix.isAbsolute(target)) return `${raw} links to the absolute path ${target}`;
    const isSymlink = entry.type === "SymbolicLink";
    inventory.kinds.set(path, isSymlink ? "symlink" : "hardlink");
    (isSymlink ? inventory.symlinks : inventory.hardlinks).set(path, target);
  }
  return null;
}

/** With every header known: links must land inside, and nothing may be written through a symlink. */
function checkLinks(inventory: Inventory): string | null {
  for (const path of inventory.kinds.keys()) {
    const parts = path.split("/");
    for (let depth = 1; depth < parts.length; depth++) {
      const parent = parts.slice(0, depth).join("/");
      if (inventory.symlinks.has(parent)) return `${path} would be written through the symlink ${parent}`;
    }
  }
  for (const [path, target] of inventory.symlinks) {
    // Not posix.join: normalizing `link/..` lexically would hide where a symlink really leads.
    const base = posix.dirname(path);
    const resolved = resolveInArchive(inventory.symlinks, base === "." ? target : `${base}/${target}`);
    if (resolved === null) return `the symlink ${path} -> ${target} points outside the archive`;
  }
  for (const [path, target] of inventory.hardlinks) {
    // Hardlink targets are archive paths, not relative to the link.
    const resolved = resolveInArchive(inventory.symlinks, target);
    if (resolved === null || inventory.kinds.get(resolved) !== "content") {
      return `the hardlink ${path} -> ${target} does not point at a file in the archive`;
    }
  }
  return null;
}

/**
 * Where a relative path lands once the archive's own symlinks are followed, component by
 * component as the kernel would; null when it climbs above the root or loops.
 */
export function resolveInArchive(symlinks: ReadonlyMap<string, string>, path: string): string | null {
  const pending = path.split("/");
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (resolved.length === 0) return null;
      resolved.pop();
      continue;
    }
    const candidate = [...resolved, part].join("/");
    const target = symlinks.get(candidate);
    if (target === undefined) {
      resolved.push(part);
      continue;
    }
    hops += 1;
    if (hops > maxSymlinkHops || posix.isAbsolute(target)) return null;
    pending.unshift(...target.split("/"));
  }
  return resolved.join("/");
}

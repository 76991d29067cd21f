// What a request path of an artifact resolves to, remembered: artifacts are immutable, so a
// path resolves once (file, redirect or missing) and its file stays in memory within a byte
// budget, least recently used out first.
import { realpath, stat } from "node:fs/promises";
import { sep } from "node:path";
import { type FileEntry, loadFileEntry } from "./static-entry.ts";

export type Resolution =
  | { kind: "file"; entry: FileEntry }
  /** To the same path with or without its trailing slash (a decoded path). */
  | { kind: "redirect"; path: string }
  | { kind: "missing" };

export type StaticCacheOptions = {
  /** Memory for file bodies (with their compressed variants); default 64 MiB. */
  maxBytes?: number;
  /** Files up to this size are kept in memory; larger ones are streamed from disk. Default 1 MiB. */
  maxFileBytes?: number;
  /** Remembered request paths per artifact (found or not); default 10,000. */
  maxPathsPerSite?: number;
};

const missing: Resolution = { kind: "missing" };

/** Slipway's own part of an artifact (packaged api/ functions, see engines/builder/api-functions.ts): never served. */
const reservedDir = "/.slipway";
const isReserved = (path: string) => path === reservedDir || path.startsWith(`${reservedDir}/`);

type Site = {
  dir: string;
  /** The directory with symlinks resolved: every file served must be inside it. */
  realDir: string | null;
  paths: Map<string, Resolution | Promise<Resolution>>;
};

type Cached = { entry: FileEntry; refs: { site: Site; path: string }[]; usedAt: number };

function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "ENAMETOOLONG" || code === "EACCES" || code === "ELOOP";
}

export class StaticCache {
  readonly maxBytes: number;
  readonly maxFileBytes: number;
  readonly maxPathsPerSite: number;
  #sites = new Map<string, Site>();
  /** By absolute file path. */
  #files = new Map<string, Cached>();
  /** Ticks on every hit: `usedAt` orders files by last use without reordering anything per request. */
  #clock = 0;
  #loading = new Map<string, Promise<FileEntry>>();
  #bytes = 0;

  constructor(options: StaticCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.maxFileBytes = options.maxFileBytes ?? 1024 * 1024;
    this.maxPathsPerSite = options.maxPathsPerSite ?? 10_000;
  }

  /** Bytes held by cached files now. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * What `path` (from `requestPath`: decoded, safe) resolves to in `dir`. Synchronous when
   * remembered, the hot path; a promise the first time.
   */
  resolve(dir: string, path: string): Resolution | Promise<Resolution> {
    let site = this.#sites.get(dir);
    if (site === undefined) {
      site = { dir, realDir: null, paths: new Map() };
      this.#sites.set(dir, site);
    }
    const known = site.paths.get(path);
    if (known !== undefined) {
      if (known instanceof Promise || known.kind !== "file") return known;
      const cached = this.#files.get(known.entry.file);
      if (cached !== undefined && cached.entry === known.entry) {
        cached.usedAt = ++this.#clock;
        return known;
      }
      // Evicted before this path was linked to it: resolve again.
    }
    if (site.paths.size >= this.maxPathsPerSite) site.paths.clear();
    const pending = this.#resolveOnDisk(site, path).then(
      (resolution) => {
        if (site.paths.get(path) === pending) site.paths.set(path, resolution);
        if (resolution.kind === "file") this.#files.get(resolution.entry.file)?.refs.push({ site, path });
        return resolution;
      },
      (error: unknown) => {
        site.paths.delete(path);
        throw error;
      },
    );
    site.paths.set(path, pending);
    return pending;
  }

  /** Forgets everything about an artifact directory (e.g. when it is deleted). */
  forget(dir: string): void {
    this.#sites.delete(dir);
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    for (const [file, cached] of this.#files) if (file.startsWith(prefix)) this.#evict(file, cached);
  }

  async #resolveOnDisk(site: Site, path: string): Promise<Resolution> {
    if (path.endsWith("/")) {
      const index = await this.#file(site, `${path}index.html`);
      if (index) return { kind: "file", entry: index };
      const bare = path.slice(0, -1);
      if (bare !== "" && (await this.#file(site, `${bare}.html`))) return { kind: "redirect", path: bare };
      return missing;
    }
    const exact = (await this.#file(site, path)) ?? (await this.#file(site, `${path}.html`));
    if (exact) return { kind: "file", entry: exact };
    if (await this.#file(site, `${path}/index.html`)) return { kind: "redirect", path: `${path}/` };
    return missing;
  }

  /** The entry of a regular file inside the site, loading it once; null when there is none. */
  async #file(site: Site, path: string): Promise<FileEntry | null> {
    if (isReserved(path)) return null;
    const file = site.dir + path;
    const cached = this.#files.get(file);
    if (cached) return cached.entry;
    let loading = this.#loading.get(file);
    if (loading === undefined) {
      let stats: { size: number; mtimeMs: number; isFile(): boolean };
      try {
        stats = await stat(file);
        if (!stats.isFile() || !(await this.#inside(site, file))) return null;
      } catch (error) {
        if (isAbsent(error)) return null;
        throw error;
      }
      const again = this.#files.get(file) ?? this.#loading.get(file);
      if (again) return "entry" in again ? again.entry : again;
      loading = loadFileEntry(file, stats, this.maxFileBytes).finally(() => this.#loading.delete(file));
      this.#loading.set(file, loading);
      const entry = await loading;
      this.#admit(file, entry);
      return entry;
    }
    return loading;
  }

  /** Symlinks in a build's output must not lead out of it. */
  async #inside(site: Site, file: string): Promise<boolean> {
    site.realDir ??= await realpath(site.dir);
    const real = await realpath(file);
    return real.startsWith(site.realDir.endsWith(sep) ? site.realDir : site.realDir + sep);
  }

  #admit(file: string, entry: FileEntry): void {
    this.#files.set(file, { entry, refs: [], usedAt: ++this.#clock });
    this.#bytes += entry.bytes;
    if (this.#bytes <= this.maxBytes) return;
    // Over budget (rare: on a load, never on a hit): least recently used out until it fits.
    const byAge = [...this.#files].filter(([f]) => f !== file).sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [oldest, cached] of byAge) {
      if (this.#bytes <= this.maxBytes) break;
      this.#evict(oldest, cached);
    }
  }

  /** Drops a file and every remembered path that leads to it, so its memory can go. */
  #evict(file: string, cached: Cached): void {
    this.#files.delete(file);
    this.#bytes -= cached.entry.bytes;
    for (const { site, path } of cached.refs) {
      const known = site.paths.get(path);
      if (known !== undefined && !(known instanceof Promise) && known.kind === "file" && known.entry === cached.entry) {
        site.paths.delete(path);
      }
    }
  }
}

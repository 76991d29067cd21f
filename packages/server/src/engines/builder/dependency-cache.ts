import { access, mkdir, readdir, rename, rm, stat, utimes } from "node:fs/promises";
import { join } from "node:path";
import { randomText } from "../../platform/ids.ts";
import { runHostCommand } from "../sandbox/run-host-command.ts";
import { hashValue } from "./tree-hash.ts";

/** Entries kept per project: the newest few lockfiles, so switching between branches stays warm. */
const entriesPerScope = 3;

export type DependencyCache = {
  /** Puts the cached node_modules for `key` into `appDir`; false when there is none. */
  restore(cacheScope: string, key: string, appDir: string): Promise<boolean>;
  /** Keeps a copy of `appDir/node_modules` under `key`, dropping the scope's oldest entries. */
  save(cacheScope: string, key: string, appDir: string): Promise<void>;
  clear(cacheScope?: string): Promise<void>;
};

/** What decides whether installed dependencies can be reused: the exact lockfile, command and Node. */
export function dependencyCacheKey(parts: { lockfileHash: string; installCommand: string; nodeVersion: string }) {
  return hashValue({ ...parts, platform: process.platform, arch: process.arch });
}

/**
 * node_modules per project under `<dataDir>/cache/<scope>/<key>/`. Copies go both ways with
 * `cp -a --reflink=auto` (a reflink where the filesystem can, a plain copy otherwise): never
 * hardlinks, since a build that edits a file in node_modules would edit the cache with it.
 */
export function createDependencyCache(options: { dataDir: string }): DependencyCache {
  const root = join(options.dataDir, "cache");
  const scopeDir = (cacheScope: string) => join(root, safeName(cacheScope));

  return {
    async restore(cacheScope, key, appDir) {
      const entry = join(scopeDir(cacheScope), key);
      if (!(await exists(join(entry, "node_modules")))) return false;
      await runHostCommand("cp", ["-a", "--reflink=auto", join(entry, "node_modules"), join(appDir, "node_modules")]);
      const now = new Date();
      await utimes(entry, now, now);
      return true;
    },
    async save(cacheScope, key, appDir) {
      const scope = scopeDir(cacheScope);
      const entry = join(scope, key);
      if (await exists(entry)) return;
      const staging = join(scope, `.staging-${randomText(12)}`);
      await mkdir(staging, { recursive: true });
      try {
        await runHostCommand("cp", [
          "-a",
          "--reflink=auto",
          join(appDir, "node_modules"),
          join(staging, "node_modules"),
        ]);
        await rename(staging, entry).catch(async (error: NodeJS.ErrnoException) => {
          // Saved meanwhile by a concurrent build of the same lockfile.
          if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
        });
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
      await pruneScope(scope);
    },
    async clear(cacheScope) {
      await rm(cacheScope === undefined ? root : scopeDir(cacheScope), { recursive: true, force: true });
    },
  };
}

async function pruneScope(scope: string) {
  const names = (await readdir(scope)).filter((name) => !name.startsWith("."));
  const dated = await Promise.all(names.map(async (name) => ({ name, at: (await stat(join(scope, name))).mtimeMs })));
  dated.sort((a, b) => b.at - a.at);
  for (const old of dated.slice(entriesPerScope)) await rm(join(scope, old.name), { recursive: true, force: true });
}

/** Scopes are project ids; anything else is hashed rather than trusted as a path segment. */
function safeName(cacheScope: string) {
  return /^[A-Za-z0-9_-]{1,100}$/.test(cacheScope) ? cacheScope : hashValue(cacheScope);
}

async function exists(path: string) {
  return access(path).then(
    () => true,
    () => false,
  );
}

import { join } from "node:path";
import type { Logger } from "../../platform/logger.ts";
import type { Sandbox } from "../sandbox/sandbox.types.ts";
import { type ArchiveLimits, defaultArchiveLimits } from "./archive-source.ts";
import type { Builder } from "./builder.types.ts";
import { createDependencyCache } from "./dependency-cache.ts";
import { detectSettings } from "./detect-settings.ts";
import { defaultGitProtocols } from "./git-source.ts";
import { findNodeInstallations, type NodeInstallation } from "./node-versions.ts";
import { fetchSource, type PipelineDependencies, resolveAppDir, runPipeline } from "./run-build.ts";

export type BuilderOptions = {
  logger: Logger;
  sandbox: Sandbox;
  /** Artifacts go to `<dataDir>/artifacts/`, dependency caches to `<dataDir>/cache/`. */
  dataDir: string;
  /**
   * Git transports sources may use (default https, http, git). Add "file" only where building
   * repositories on this host's disk is intended (tests, a single-user install): it lets a
   * project clone any repository the platform's user can read.
   */
  gitProtocols?: readonly string[];
  archiveLimits?: ArchiveLimits;
  /** npm's and Go's caches for api/ functions; shared with project functions. Default `<dataDir>/cache/functions`. */
  functionCacheDir?: string;
};

/** How long detect() may spend fetching a source to look at it. */
const detectTimeoutMs = 5 * 60_000;

export function createBuilder(options: BuilderOptions): Builder {
  let installations: Promise<NodeInstallation[]> | null = null;
  const deps: PipelineDependencies = {
    logger: options.logger,
    sandbox: options.sandbox,
    dataDir: options.dataDir,
    functionCacheDir: options.functionCacheDir ?? join(options.dataDir, "cache", "functions"),
    cache: createDependencyCache({ dataDir: options.dataDir }),
    gitProtocols: options.gitProtocols ?? defaultGitProtocols,
    archiveLimits: options.archiveLimits ?? defaultArchiveLimits,
    nodeInstallations: () => {
      installations ??= findNodeInstallations();
      return installations;
    },
  };

  return {
    run: (spec, events, signal) => runPipeline(spec, events, signal, deps),
    async detect(source, rootDir) {
      const workspace = await deps.sandbox.createWorkspace("detect");
      try {
        const signal = AbortSignal.timeout(detectTimeoutMs);
        await fetchSource(source, workspace, { deps, signal, timeoutMs: detectTimeoutMs });
        const appDir = await resolveAppDir(workspace, rootDir);
        const majors = (await deps.nodeInstallations()).map((install) => install.major);
        return await detectSettings(appDir, majors);
      } finally {
        await workspace.remove();
      }
    },
    clearCache: ({ cacheScope }) => deps.cache.clear(cacheScope),
    async nodeVersions() {
      return (await deps.nodeInstallations()).map((install) => install.major);
    },
  };
}

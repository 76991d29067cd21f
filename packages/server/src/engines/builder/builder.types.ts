/**
 * The contract between the builds feature (control plane: queue, tables, API) and the builder
 * engine (machinery: source, sandbox, commands, artifacts). The engine knows nothing of the
 * store; the feature knows nothing of bwrap.
 */

import type { FunctionRuntimeName } from "../functions/function-runtime.ts";

/** "deploy" is the builds feature's, not the engine's: publishing to the edge, starting a server app's instances. */
export const buildStepIds = ["clone", "install", "pre-build", "build", "post-build", "package", "deploy"] as const;
export type BuildStepId = (typeof buildStepIds)[number];

export type BuildStep = {
  id: BuildStepId;
  status: "running" | "succeeded" | "failed" | "skipped" | "canceled";
  startedAt: Date | null;
  endedAt: Date | null;
};

export type Framework = "static" | "vite" | "node" | "nextjs-export" | "node-server" | "python";

/** What detection proposes for a source tree; every field can be overridden by the project. */
export type BuildSettings = {
  framework: Framework;
  installCommand: string | null;
  buildCommand: string | null;
  /** Relative to the root directory; what gets published. */
  outputDir: string;
  /** Serve index.html for unknown paths (single-page apps). */
  spaFallback: boolean;
  nodeVersion: string;
  preBuildHook: string | null;
  postBuildHook: string | null;
  /**
   * Non-null makes this a server app: the runtime runs it with /bin/sh -c in the artifact
   * directory (mounted read-only at /app), with PORT set and a writable HOME at /workspace.
   * The artifact then holds the whole output directory, node_modules included.
   */
  startCommand: string | null;
};

export type BuildLimits = {
  memoryMb: number;
  /** CPU share in cores (may be fractional). */
  cpus: number;
  pids: number;
  timeoutSeconds: number;
};

export type BuildSource =
  | { kind: "git"; url: string; ref: string }
  /** A .tar.gz the platform received (CLI upload); already size-checked on receipt. */
  | { kind: "archive"; path: string };

export type BuildSpec = {
  buildId: string;
  /** Whose dependency cache this build reads and writes (the project id): never shared across projects. */
  cacheScope: string;
  source: BuildSource;
  /** Monorepos: the app lives here, relative to the repository root. "" for the root. */
  rootDir: string;
  /** Settings the project fixed; whatever is missing comes from detection. */
  overrides: Partial<BuildSettings>;
  /** The project's env vars for this environment; the only variables the build sees besides PATH/HOME/CI. */
  env: Record<string, string>;
  /** Values that must never appear in the log (sensitive env vars). */
  secrets: string[];
  limits: BuildLimits;
};

export type LogLine = { stream: "stdout" | "stderr" | "system"; text: string; at: Date };

/** What the sandbox actually got on this machine, said in the log and kept on the build. */
export type IsolationReport = {
  sandbox: "bubblewrap" | "none";
  namespaces: string[];
  memoryLimit: "cgroup" | "prlimit" | "none";
  pidsLimit: "cgroup" | "prlimit" | "none";
  cpuLimit: "cgroup" | "none";
  wallClockLimitSeconds: number;
  /** The host uid sandboxed processes run as; 0 means root outside the namespaces (nothing to drop to). */
  hostUid: number;
};

export type Artifact = {
  /** sha256 over the published files (paths and contents): equal trees share one artifact. */
  hash: string;
  dir: string;
  files: number;
  bytes: number;
};

/** A function of the project's `api/` folder, packaged into the artifact (see api-functions.ts). */
export type ApiFunction = {
  /** Served at `/api/<name>` on every hostname of the deployment. */
  name: string;
  runtime: FunctionRuntimeName;
  /** Relative to `<artifact>/.slipway/functions/<name>/`: what the runtime loads. */
  entry: string;
};

export type BuildResult = {
  artifact: Artifact;
  /** The artifact's `api/` functions; none for most builds. */
  functions: ApiFunction[];
  settings: BuildSettings;
  /** Hash of the source tree plus settings; a later build with the same key can reuse the artifact. */
  sourceKey: string;
  /** The commit built, for git sources. */
  commitSha: string | null;
  cache: "hit" | "miss" | "none";
  /** True when the artifact came from an earlier build of the same source key. */
  isReused: boolean;
};

export type BuildEvents = {
  onLog(line: LogLine): void;
  onStep(step: BuildStep): void;
  onIsolation(report: IsolationReport): void;
  /** The source is fetched and the settings are known: a build that fails later still shows them. */
  onPrepared?(info: { commitSha: string | null; settings: BuildSettings }): void;
  /** Asked once the source key is known: an artifact already built from the same tree and settings. */
  findReusable(sourceKey: string): Promise<Artifact | null>;
};

/** Why a build failed, in words a user can act on, and at which step. */
export class BuildFailure extends Error {
  readonly step: BuildStepId;
  readonly reason:
    | "source_unreachable"
    | "ref_not_found"
    /** The project's root directory is not in the source. */
    | "root_dir_missing"
    | "invalid_archive"
    | "command_failed"
    | "hook_failed"
    | "timed_out"
    | "out_of_memory"
    | "output_missing"
    /** A function of `api/` did not package: a syntax or compile error, two files for one name. */
    | "function_invalid"
    /** A server app's instances did not start or never answered their health check. */
    | "unhealthy"
    | "canceled";

  constructor(step: BuildStepId, reason: BuildFailure["reason"], message: string) {
    super(message);
    this.name = "BuildFailure";
    this.step = step;
    this.reason = reason;
  }
}

export type Builder = {
  /** Runs the whole pipeline; rejects with BuildFailure. Aborting the signal kills every process at once. */
  run(spec: BuildSpec, events: BuildEvents, signal: AbortSignal): Promise<BuildResult>;
  /** Settings detection proposes for a source (used when creating a project). */
  detect(source: BuildSource, rootDir: string): Promise<BuildSettings>;
  /** Drops the dependency cache entries of a project (or all). */
  clearCache(scope: { cacheScope: string }): Promise<void>;
  /** Which Node versions builds can choose from on this machine. */
  nodeVersions(): Promise<string[]>;
};

import { access, realpath, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Logger } from "../../platform/logger.ts";
import { checkSubdir, defaultSandboxPath } from "../sandbox/bwrap-arguments.ts";
import type { Sandbox, SandboxResult, Workspace } from "../sandbox/sandbox.types.ts";
import {
  apiSourceDir,
  functionsArtifactDir,
  type PackagedApiFunctions,
  packageApiFunctions,
  readApiFunctions,
  reservedArtifactDir,
} from "./api-functions.ts";
import { type ArchiveLimits, extractArchive } from "./archive-source.ts";
import { isInside, resolveOutputDir, storeArtifact } from "./artifact-store.ts";
import { type BuildLog, createBuildLog, describeIsolation } from "./build-log.ts";
import {
  type Artifact,
  type BuildEvents,
  BuildFailure,
  type BuildResult,
  type BuildSettings,
  type BuildSource,
  type BuildSpec,
  type BuildStepId,
} from "./builder.types.ts";
import { type DependencyCache, dependencyCacheKey } from "./dependency-cache.ts";
import {
  detectSettings,
  findLockfile,
  findMissingPackageManager,
  mergeSettings,
  nodeOutputFallbacks,
} from "./detect-settings.ts";
import { cloneGitSource, redactUrl } from "./git-source.ts";
import type { NodeInstallation } from "./node-versions.ts";
import { createStepTracker } from "./step-tracker.ts";
import { hashFile, hashTree, hashValue } from "./tree-hash.ts";

export type PipelineDependencies = {
  logger: Logger;
  sandbox: Sandbox;
  dataDir: string;
  functionCacheDir: string;
  cache: DependencyCache;
  gitProtocols: readonly string[];
  archiveLimits: ArchiveLimits;
  nodeInstallations(): Promise<NodeInstallation[]>;
};

/** Puts a source into an empty workspace: a shallow clone, or an archive unpacked. */
export async function fetchSource(
  source: BuildSource,
  workspace: Workspace,
  context: { deps: PipelineDependencies; signal: AbortSignal; timeoutMs: number; log?: BuildLog },
): Promise<{ commitSha: string | null }> {
  if (source.kind === "archive") {
    await extractArchive({ file: source.path, dir: workspace.dir, limits: context.deps.archiveLimits });
    context.log?.system("unpacked the uploaded archive");
    return { commitSha: null };
  }
  const cloned = await cloneGitSource({
    url: source.url,
    ref: source.ref,
    dir: workspace.dir,
    protocols: context.deps.gitProtocols,
    signal: context.signal,
    timeoutMs: context.timeoutMs,
  });
  context.log?.system(
    `cloned ${redactUrl(source.url)} at ${source.ref}: commit ${cloned.commitSha}, tree ${cloned.treeHash}`,
  );
  return { commitSha: cloned.commitSha };
}

/** The app's directory inside the workspace; root_dir_missing when the source has no such directory. */
export async function resolveAppDir(workspace: Workspace, rootDir: string): Promise<string> {
  let relative: string;
  try {
    relative = checkSubdir(rootDir);
  } catch {
    throw new BuildFailure("clone", "root_dir_missing", `the root directory ${rootDir} leaves the repository`);
  }
  const appDir = join(workspace.dir, relative);
  // Through a symlink in the repository, it could lead anywhere on the host.
  const real = await realpath(appDir).catch(() => null);
  const isDirectory =
    real !== null && isInside(await realpath(workspace.dir), real) && (await stat(real)).isDirectory();
  if (!isDirectory) throw new BuildFailure("clone", "root_dir_missing", `the source has no directory ${rootDir}`);
  return appDir;
}

/** clone → (reuse?) → install → pre-build → build → post-build → package; rejects with BuildFailure. */
export async function runPipeline(
  spec: BuildSpec,
  events: BuildEvents,
  signal: AbortSignal,
  deps: PipelineDependencies,
): Promise<BuildResult> {
  const deadline = Date.now() + spec.limits.timeoutSeconds * 1000;
  const log = createBuildLog(events, spec.secrets);
  const isolation = await deps.sandbox.isolation(spec.limits);
  events.onIsolation(isolation);
  for (const line of describeIsolation(isolation, spec.limits)) log.system(line);
  const steps = createStepTracker({ events, log, signal, deadline, timeoutSeconds: spec.limits.timeoutSeconds });

  const workspace = await deps.sandbox.createWorkspace(`build-${spec.buildId}`);
  try {
    const { commitSha, appDir } = await steps.run("clone", async () => {
      const fetched = await fetchSource(spec.source, workspace, {
        deps,
        signal,
        timeoutMs: deadline - Date.now(),
        log,
      });
      return { ...fetched, appDir: await resolveAppDir(workspace, spec.rootDir) };
    });
    const installations = await deps.nodeInstallations();
    const detected = await detectSettings(
      appDir,
      installations.map((install) => install.major),
    );
    const settings = mergeSettings(detected, spec.overrides);
    log.system(describeSettings(settings));
    events.onPrepared?.({ commitSha, settings });
    const node = installations.find((install) => install.major === settings.nodeVersion.split(".")[0]);
    if (!node) {
      const available = installations.map((install) => install.major).join(", ");
      throw steps.fail(
        "install",
        "command_failed",
        `Node ${settings.nodeVersion} is not installed here (${available})`,
      );
    }

    const sourceTree = await hashTree(workspace.dir, new Set([".git"]));
    const sourceKey = hashValue({
      tree: sourceTree.hash,
      rootDir: spec.rootDir,
      settings,
      node: node.version,
      env: hashValue(spec.env),
    });
    log.system(`source: ${sourceTree.files} files, ${sourceTree.bytes} bytes; source key ${sourceKey}`);
    const reusable = await events.findReusable(sourceKey);
    if (reusable) {
      log.system(`an earlier build of this exact source and settings produced artifact ${reusable.hash}: reusing it`);
      for (const id of ["install", "pre-build", "build", "post-build", "package"] as const) steps.skip(id);
      const functions = await readApiFunctions(reusable.dir);
      return { artifact: reusable, functions, settings, sourceKey, commitSha, cache: "none", isReused: true };
    }

    let isAdopted = false;
    const runCommand = async (step: BuildStepId, command: string, env: Record<string, string>) => {
      if (!isAdopted) {
        await workspace.adopt();
        isAdopted = true;
      }
      log.system(`$ ${command}`);
      const result = await deps.sandbox.run({
        command,
        cwd: workspace.dir,
        subdir: appDir.slice(workspace.dir.length + 1),
        env: node.prefix ? { ...env, PATH: `${node.binDir}:${defaultSandboxPath}` } : env,
        extraReadOnlyBinds: node.prefix ? [{ source: node.prefix, destination: node.prefix }] : [],
        limits: { ...spec.limits, timeoutSeconds: Math.max(0, (deadline - Date.now()) / 1000) },
        signal,
        onOutput: (stream, text) => log.output(stream, text),
      });
      throwOnFailure(step, command, result, spec, log);
    };
    const buildEnv = { ...spec.env, NODE_ENV: spec.env.NODE_ENV ?? "production", CI: "1" };

    const { installCommand } = settings;
    let cache: BuildResult["cache"] = "none";
    if (!installCommand) steps.skip("install");
    else {
      cache = await steps.run("install", () =>
        installDependencies({ spec, settings, appDir, installCommand, node, deps, log, runCommand }),
      );
    }

    const commandSteps: [BuildStepId, string | null][] = [
      ["pre-build", settings.preBuildHook],
      ["build", settings.buildCommand],
      ["post-build", settings.postBuildHook],
    ];
    for (const [id, command] of commandSteps) {
      if (command) await steps.run(id, () => runCommand(id, command, buildEnv));
      else steps.skip(id);
    }

    const { artifact, outputDir, functions } = await steps.run("package", () =>
      packageOutput({
        spec,
        appDir,
        workspace,
        settings,
        deps,
        log,
        // Packaging functions stops at the build's deadline too.
        signal: AbortSignal.any([signal, AbortSignal.timeout(Math.max(0, deadline - Date.now()))]),
      }),
    );
    return { artifact, functions, settings: { ...settings, outputDir }, sourceKey, commitSha, cache, isReused: false };
  } finally {
    await workspace.remove();
  }
}

/**
 * The install step: node_modules from the project's cache when the lockfile, install command
 * and Node are the same as a saved entry; otherwise the install command (without NODE_ENV, so
 * devDependencies come too), then a save for next time.
 */
async function installDependencies(context: {
  spec: BuildSpec;
  settings: BuildSettings;
  appDir: string;
  installCommand: string;
  node: NodeInstallation;
  deps: PipelineDependencies;
  log: BuildLog;
  runCommand(step: BuildStepId, command: string, env: Record<string, string>): Promise<void>;
}): Promise<BuildResult["cache"]> {
  const { spec, appDir, installCommand, deps, log } = context;
  const env = { ...spec.env, CI: "1", npm_config_fund: "false", npm_config_update_notifier: "false" };
  const missingTool = await findMissingPackageManager(installCommand, [
    context.node.binDir,
    ...defaultSandboxPath.split(":"),
  ]);
  if (missingTool) {
    const message = `${missingTool} is not installed on this machine: install it, set an install command, or commit a package-lock.json`;
    throw new BuildFailure("install", "command_failed", message);
  }
  if (context.settings.framework === "python") {
    log.system("dependency cache: not used for Python apps");
    await context.runCommand("install", installCommand, env);
    return "none";
  }
  const lockfile = await findLockfile(appDir);
  if (!lockfile || (await exists(join(appDir, "node_modules")))) {
    log.system("dependency cache: not used (it needs a lockfile and no committed node_modules)");
    await context.runCommand("install", installCommand, env);
    return "none";
  }
  const key = dependencyCacheKey({
    lockfileHash: await hashFile(lockfile.path),
    installCommand,
    nodeVersion: context.node.version,
  });
  if (await deps.cache.restore(spec.cacheScope, key, appDir)) {
    log.system("dependency cache: hit, node_modules restored for this lockfile, install command and Node");
    return "hit";
  }
  log.system("dependency cache: miss");
  await context.runCommand("install", installCommand, env);
  try {
    await deps.cache.save(spec.cacheScope, key, appDir);
  } catch (error) {
    deps.logger.warn({ err: error, buildId: spec.buildId }, "builder: saving the dependency cache failed");
    log.system("dependency cache: could not be saved; the next build installs again");
  }
  return "miss";
}

/** Turns what the sandbox reported into the failure a user can act on; returns when the command succeeded. */
function throwOnFailure(step: BuildStepId, command: string, result: SandboxResult, spec: BuildSpec, log: BuildLog) {
  const isHook = step === "pre-build" || step === "post-build";
  const what = isHook ? `the ${step} hook` : `\`${log.mask(command)}\``;
  if (result.isCanceled) throw new BuildFailure(step, "canceled", "the build was canceled");
  if (result.isTimedOut) {
    throw new BuildFailure(step, "timed_out", `the build ran past its ${spec.limits.timeoutSeconds} s limit`);
  }
  if (result.isOutOfMemory) {
    throw new BuildFailure(step, "out_of_memory", `${what} ran out of memory (limit ${spec.limits.memoryMb} MB)`);
  }
  if (result.exitCode === 0) return;
  const notes = [
    result.hasHitPidsLimit ? `it hit the limit of ${spec.limits.pids} processes` : null,
    result.exitCode === 127 ? "a command was not found: is the tool installed on this machine?" : null,
  ].filter(Boolean);
  const message = `${what} exited with code ${result.exitCode}${notes.length ? ` (${notes.join("; ")})` : ""}`;
  throw new BuildFailure(step, isHook ? "hook_failed" : "command_failed", message);
}

type PackageContext = {
  spec: BuildSpec;
  appDir: string;
  workspace: Workspace;
  settings: BuildSettings;
  deps: PipelineDependencies;
  log: BuildLog;
};

/** The api/ functions, then the output directory with them, stored as the artifact. */
async function packageOutput(
  context: PackageContext & { signal: AbortSignal },
): Promise<{ artifact: Artifact; outputDir: string; functions: BuildResult["functions"] }> {
  const { spec, log, deps } = context;
  const packaged = await packageApiFunctions({
    buildId: spec.buildId,
    appDir: context.appDir,
    sandbox: deps.sandbox,
    logger: deps.logger,
    // Shared with project functions (platform.ts): only the platform writes there.
    cacheDir: deps.functionCacheDir,
    signal: context.signal,
    log,
  });
  try {
    const stored = await storeOutput({ ...context, packaged });
    return { ...stored, functions: packaged?.functions ?? [] };
  } finally {
    await packaged?.remove();
  }
}

async function storeOutput(
  context: PackageContext & { packaged: PackagedApiFunctions | null },
): Promise<{ artifact: Artifact; outputDir: string }> {
  const { settings, log, packaged } = context;
  const kind = settings.startCommand ? "server" : "static";
  // A Node app's output is known only once it has built, unless the project said where.
  const candidates =
    settings.framework === "node" && kind === "static" && context.spec.overrides.outputDir === undefined
      ? nodeOutputFallbacks
      : [settings.outputDir];
  for (const outputDir of candidates) {
    const startedAt = Date.now();
    const real = await resolveOutputDir(context.workspace.dir, join(context.appDir, outputDir));
    if (!real) continue;
    const leaveOut = new Map([[reservedArtifactDir, "reserved for Slipway"]]);
    // The functions' sources are never static files, wherever the output directory is.
    const sources = packaged ? await realpath(join(context.appDir, apiSourceDir)) : null;
    if (sources && kind === "static" && sources !== real && isInside(real, sources)) {
      leaveOut.set(relative(real, sources), "the sources of the api/ functions");
    }
    const artifact = await storeArtifact({
      dataDir: context.deps.dataDir,
      outputDir: real,
      workspaceRoot: context.workspace.dir,
      kind,
      leaveOut,
      ...(packaged ? { include: { path: functionsArtifactDir, dir: packaged.dir } } : {}),
      onSkipped: (path, why) => log.system(`package: left out ${path}: ${why}`),
    });
    log.system(
      `artifact ${artifact.hash}: ${artifact.files} files, ${artifact.bytes} bytes from ${outputDir} (${kind === "server" ? "server app" : "static files"}, ${Date.now() - startedAt} ms)`,
    );
    return { artifact, outputDir };
  }
  throw new BuildFailure(
    "package",
    "output_missing",
    `the output directory ${candidates.join(" or ")} does not exist after the build (or leads out of the workspace)`,
  );
}

function describeSettings(settings: BuildSettings): string {
  const parts = [
    `framework ${settings.framework}`,
    `install ${settings.installCommand ?? "(none)"}`,
    `build ${settings.buildCommand ?? "(none)"}`,
    `output ${settings.outputDir}`,
    `Node ${settings.nodeVersion}`,
    ...(settings.startCommand ? [`start ${settings.startCommand}`] : []),
  ];
  return `settings: ${parts.join(", ")}`;
}

async function exists(path: string) {
  return access(path).then(
    () => true,
    () => false,
  );
}

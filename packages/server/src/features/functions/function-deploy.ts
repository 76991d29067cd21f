import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import {
  type CreateFunctionInput,
  defaultFunctionSettings,
  type FunctionFiles,
  type FunctionSettings,
  type FunctionSource,
  type FunctionVersion,
  functionTemplates,
  type ServerlessFunction,
} from "@slipway/contracts";
import { and, desc, eq, sql } from "drizzle-orm";
import { extractArchive } from "../../engines/builder/archive-source.ts";
import { BuildFailure } from "../../engines/builder/builder.types.ts";
import type { Toolchains } from "../../engines/builder/toolchains.ts";
import { packageFunction } from "../../engines/functions/function-packager.ts";
import type { Sandbox } from "../../engines/sandbox/sandbox.types.ts";
import { actorLabel } from "../../platform/access.ts";
import type { Executor } from "../../platform/db.ts";
import { badRequest, conflict, notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { envForBuild } from "../env/env.service.ts";
import { loadProject } from "../projects/projects.service.ts";
import { textOf } from "./function-invocations.ts";
import {
  auditFunction,
  checkDestinations,
  type FunctionRow,
  type FunctionsDeps,
  functionDir,
  getFunction,
  loadFunctionRow,
  openFunctionEnv,
  type Scope,
  toVersion,
} from "./functions.service.ts";
import { functions, functionVersions } from "./functions.tables.ts";

export type DeployDeps = FunctionsDeps & {
  sandbox: Sandbox;
  /** npm's and Go's caches, shared by every function's packaging. */
  packagerCacheDir: string;
  /** Deploys of one function run one after the other (their numbers and the alias move in order). */
  serial: KeyedSerial;
  /** Python, Go and Ruby as this host has them: a function needs its language installed. */
  toolchains(): Promise<Toolchains>;
};

/** Where a version's code comes from: the editor's files, or an uploaded .tar.gz of the folder. */
export type VersionSource = { files: FunctionFiles } | { archivePath: string };

export type DeployResult = { version: FunctionVersion; isReady: boolean };

/** The sealed env of a version opens only for that version. */
export const versionEnvSealFor = (versionId: string) => `function-version:${versionId}`;

/** What an uploaded folder may unpack to (Lambda's limit for unzipped code). */
const archiveLimits = { maxBytes: 250 * 1024 * 1024, maxEntries: 20_000 };

export type KeyedSerial = <T>(key: string, task: () => Promise<T>) => Promise<T>;

/** Runs tasks with the same key one at a time, in call order. */
export function createKeyedSerial(): KeyedSerial {
  const tails = new Map<string, Promise<unknown>>();
  return (key, task) => {
    const next = (tails.get(key) ?? Promise.resolve()).catch(() => undefined).then(task);
    tails.set(key, next);
    const forget = () => {
      if (tails.get(key) === next) tails.delete(key);
    };
    next.then(forget, forget);
    return next;
  };
}

export const versionDirs = (deps: Pick<FunctionsDeps, "functionsDir">, functionId: string, versionId: string) => {
  const dir = join(functionDir(deps, functionId), versionId);
  return { dir, sourceDir: join(dir, "source"), codeDir: join(dir, "code") };
};

async function writeSource(sourceDir: string, source: VersionSource): Promise<void> {
  await mkdir(sourceDir, { recursive: true });
  if ("archivePath" in source) {
    try {
      await extractArchive({ file: source.archivePath, dir: sourceDir, limits: archiveLimits });
    } catch (error) {
      if (error instanceof BuildFailure) throw badRequest(error.message, { reason: error.reason });
      throw error;
    } finally {
      await rm(source.archivePath, { force: true });
    }
    return;
  }
  for (const [path, text] of Object.entries(source.files)) {
    const file = resolve(sourceDir, path);
    // The schema refuses `..` and absolute paths; this is the check that cannot be got around.
    if (!file.startsWith(`${sourceDir}${sep}`)) throw badRequest(`${path} is not a path inside the function`);
    // `a` and `a/b` both given: one of them cannot be written, and that is the files' fault.
    await mkdir(dirname(file), { recursive: true })
      .then(() => writeFile(file, text))
      .catch((error: NodeJS.ErrnoException) => {
        throw badRequest(
          `${path} cannot be written (${error.code ?? error.message}): a file and a folder share its path`,
        );
      });
  }
}

/** The project's production env (when inherited) under the function's own: what the version runs with. */
async function versionEnv(fn: FunctionRow, deps: DeployDeps): Promise<Record<string, string>> {
  const inherited = fn.settings.inheritProjectEnv ? (await envForBuild(fn.projectId, "production", deps)).env : {};
  return { ...inherited, ...(await openFunctionEnv(fn.id, deps)) };
}

/** The packager's answer; a packager that throws is a failed version too, not a failed request. */
async function packageVersion(fn: FunctionRow, dirs: ReturnType<typeof versionDirs>, entry: string, deps: DeployDeps) {
  try {
    return await packageFunction({
      sandbox: deps.sandbox,
      logger: deps.logger,
      runtime: fn.runtime as ServerlessFunction["runtime"],
      sourceDir: dirs.sourceDir,
      entry,
      outDir: dirs.codeDir,
      cacheDir: deps.packagerCacheDir,
    });
  } catch (error) {
    deps.logger.warn({ err: error, functionId: fn.id }, "functions: packaging failed unexpectedly");
    return { ok: false as const, message: `packaging failed: ${error instanceof Error ? error.message : error}` };
  }
}

/**
 * A new immutable version from files or an archive: written under the function's directory,
 * packaged (install, transpile, compile, syntax check), recorded ready or failed. A ready
 * version becomes production in the same transaction; a failed one leaves production alone.
 */
export async function deployFunctionVersion(
  scope: Scope & { functionId: string; source: VersionSource; entry?: string | undefined },
  deps: DeployDeps,
): Promise<DeployResult> {
  return deps.serial(scope.functionId, async () => {
    const fn = await loadFunctionRow(scope.access.teamId, scope.functionId, deps.db).catch(async (error) => {
      if ("archivePath" in scope.source) await rm(scope.source.archivePath, { force: true });
      throw error;
    });
    const versionId = newId("fnv");
    const dirs = versionDirs(deps, fn.id, versionId);
    try {
      await writeSource(dirs.sourceDir, scope.source);
      const entry = scope.entry ?? fn.entry;
      const started = performance.now();
      const packaged = await packageVersion(fn, dirs, entry, deps);
      const buildMs = Math.round(performance.now() - started);
      const env = packaged.ok ? await versionEnv(fn, deps) : null;
      const row = await deps.db.transaction(async (tx) => {
        // The row lock orders the numbers with deploys on other nodes.
        const [locked] = await tx.select().from(functions).where(eq(functions.id, fn.id)).for("update");
        if (!locked) throw notFound("function");
        const [last] = await tx
          .select({ number: sql<number>`max(${functionVersions.number})`.mapWith(Number) })
          .from(functionVersions)
          .where(eq(functionVersions.functionId, fn.id));
        const [version] = await tx
          .insert(functionVersions)
          .values({
            id: versionId,
            functionId: fn.id,
            teamId: fn.teamId,
            number: (last?.number ?? 0) + 1,
            status: packaged.ok ? "ready" : "failed",
            runtime: fn.runtime,
            entry,
            codeEntry: packaged.ok ? packaged.entry : null,
            error: packaged.ok ? null : packaged.message,
            sizeBytes: packaged.ok ? packaged.sizeBytes : null,
            buildMs,
            envSealed: env ? deps.secrets.seal(JSON.stringify(env), versionEnvSealFor(versionId)) : null,
            createdBy: actorLabel(scope.ctx.actor),
          })
          .returning();
        if (!version) throw new Error("function version insert returned nothing");
        if (packaged.ok)
          await tx
            .update(functions)
            .set({ productionVersionId: version.id, entry, updatedAt: new Date() })
            .where(eq(functions.id, fn.id));
        await auditFunction(tx, scope, "function.deploy", fn.id, {
          versionId,
          number: version.number,
          status: version.status,
        });
        await deps.outbox.emit(tx, {
          type: packaged.ok ? "function.deployed" : "function.deploy_failed",
          teamId: fn.teamId,
          payload: {
            functionId: fn.id,
            projectId: fn.projectId,
            name: fn.name,
            versionId,
            number: version.number,
            ...(packaged.ok ? {} : { error: packaged.message }),
          },
        });
        return version;
      });
      if (packaged.ok) await deps.onChanged();
      else await rm(dirs.codeDir, { recursive: true, force: true });
      return { version: toVersion(row, packaged.ok ? row.id : fn.productionVersionId), isReady: packaged.ok };
    } catch (error) {
      await rm(dirs.dir, { recursive: true, force: true });
      throw error;
    }
  });
}

/** Settings as given over the defaults; `async` merged field by field. */
function settingsFrom(input: CreateFunctionInput["settings"]): FunctionSettings {
  const { async: asyncInput, ...rest } = input ?? {};
  return { ...defaultFunctionSettings, ...rest, async: { ...defaultFunctionSettings.async, ...asyncInput } };
}

/**
 * A new function in a project, with its files (or the runtime's template) deployed as version 1.
 * A first version that fails to package still leaves the function, to be fixed by the next deploy.
 */
const toolchainNames = { python: "Python", go: "Go", ruby: "Ruby" } as const;
const toolchainPackages = { python: "python3", go: "golang-go", ruby: "ruby" } as const;

export async function createFunction(
  scope: Scope & { projectId: string; input: CreateFunctionInput },
  deps: DeployDeps,
): Promise<{ function: ServerlessFunction; version: FunctionVersion }> {
  const { input, access } = scope;
  if (input.runtime !== "node" && !(await deps.toolchains())[input.runtime])
    throw badRequest(`${toolchainNames[input.runtime]} is not installed on this host`, {
      field: "runtime",
      install: `apt-get install -y ${toolchainPackages[input.runtime]}`,
    });
  const template = functionTemplates[input.runtime];
  const settings = settingsFrom(input.settings);
  const functionId = newId("fn");
  await deps.db.transaction(async (tx) => {
    const project = await loadProject(access.teamId, scope.projectId, tx);
    await checkDestinations(settings, { teamId: access.teamId, functionId: null }, tx);
    const [taken] = await tx
      .select({ id: functions.id })
      .from(functions)
      .where(and(eq(functions.projectId, project.id), eq(functions.name, input.name)));
    if (taken) throw conflict(`the project already has a function named ${input.name}`, { field: "name" });
    await tx.insert(functions).values({
      id: functionId,
      teamId: access.teamId,
      projectId: project.id,
      name: input.name,
      runtime: input.runtime,
      entry: input.entry ?? template.entry,
      settings,
    });
    await auditFunction(tx, scope, "function.create", functionId, { name: input.name, runtime: input.runtime });
    await deps.outbox.emit(tx, {
      type: "function.created",
      teamId: access.teamId,
      payload: { functionId, projectId: project.id, name: input.name, runtime: input.runtime },
    });
  });
  const { version } = await deployFunctionVersion(
    { ...scope, functionId, source: { files: input.files ?? template.files } },
    deps,
  );
  return { function: await getFunction(access.teamId, functionId, deps), version };
}

export async function listVersions(teamId: string, functionId: string, db: Executor): Promise<FunctionVersion[]> {
  const fn = await loadFunctionRow(teamId, functionId, db);
  const rows = await db
    .select()
    .from(functionVersions)
    .where(eq(functionVersions.functionId, fn.id))
    .orderBy(desc(functionVersions.number));
  return rows.map((row) => toVersion(row, fn.productionVersionId));
}

async function loadVersion(functionId: string, versionId: string, db: Executor) {
  const [row] = await db
    .select()
    .from(functionVersions)
    .where(and(eq(functionVersions.id, versionId), eq(functionVersions.functionId, functionId)));
  if (!row) throw notFound("version");
  return row;
}

/** Production back (or forward) to any ready version, at once. */
export async function rollbackFunction(
  scope: Scope & { functionId: string; versionId: string },
  deps: FunctionsDeps,
): Promise<ServerlessFunction> {
  await deps.db.transaction(async (tx) => {
    const fn = await loadFunctionRow(scope.access.teamId, scope.functionId, tx);
    const version = await loadVersion(fn.id, scope.versionId, tx);
    if (version.status !== "ready")
      throw conflict(`version ${version.number} failed to deploy; only a ready version can serve`);
    await tx
      .update(functions)
      .set({ productionVersionId: version.id, updatedAt: new Date() })
      .where(eq(functions.id, fn.id));
    await auditFunction(tx, scope, "function.rollback", fn.id, {
      from: fn.productionVersionId,
      to: version.id,
      number: version.number,
    });
    await deps.outbox.emit(tx, {
      type: "function.rolled_back",
      teamId: fn.teamId,
      payload: { functionId: fn.id, versionId: version.id, number: version.number, from: fn.productionVersionId },
    });
  });
  await deps.onChanged();
  return getFunction(scope.access.teamId, scope.functionId, deps);
}

const maxSourceFiles = 100;
const maxSourceFileBytes = 1_000_000;
const skippedDirs = new Set(["node_modules", ".git", "__pycache__", "vendor"]);

/** A version's files as text for the editor: dependencies, binaries and big files left out. */
export async function readVersionSource(
  teamId: string,
  functionId: string,
  versionId: string,
  deps: Pick<FunctionsDeps, "db" | "functionsDir">,
): Promise<FunctionSource> {
  const fn = await loadFunctionRow(teamId, functionId, deps.db);
  const version = await loadVersion(fn.id, versionId, deps.db);
  const { sourceDir } = versionDirs(deps, fn.id, version.id);
  const entries = await readdir(sourceDir, { recursive: true, withFileTypes: true }).catch(() => {
    throw notFound("version source");
  });
  const files: Record<string, string> = {};
  for (const entry of entries.sort((a, b) => join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)))) {
    if (!entry.isFile() || Object.keys(files).length >= maxSourceFiles) continue;
    const path = relative(sourceDir, join(entry.parentPath, entry.name));
    if (path.split(sep).some((part) => skippedDirs.has(part))) continue;
    const bytes = await readFile(join(sourceDir, path));
    const text = bytes.length <= maxSourceFileBytes ? textOf(bytes) : null;
    if (text !== null) files[path.split(sep).join("/")] = text;
  }
  return { versionId: version.id, entry: version.entry, files };
}

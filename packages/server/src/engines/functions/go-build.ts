import { access, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname, join, posix } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { randomText } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import { runHostCommand } from "../sandbox/run-host-command.ts";
import type { Sandbox, Workspace } from "../sandbox/sandbox.types.ts";
import { createStepRunner, type PackagingStep, type StepRunner, shellQuote, sourceSubdir } from "./packaging-steps.ts";

/**
 * Go functions: the host (hosts/go-host.go: the Request and Response types, main) is compiled
 * into the function's package, and the binary is the function. Modules are never downloaded
 * (GOPROXY=off): the standard library, or what the function vendors.
 *
 * Compiling the standard library takes half a minute, so builds start from a copy of a build
 * cache that holds it, per Go version under the packager's cacheDir. That cache is compiled
 * once from the host and a stub handler, no user code: a build cache a function's build had
 * written to could hand the next function a poisoned package, so each build writes its own
 * copy, thrown away after.
 */

export const goBinaryName = "handler";
const hostsDir = join(import.meta.dirname, "hosts");
const hostsMount = "/slipway/hosts";
const hostFileName = "zz_slipway_host.go";
const stubHandler = "package main\n\nfunc Handler(req Request) Response { return Response{} }\n";
const seeding = new Map<string, Promise<GoCacheSeed>>();
/** A lock older than this was left by a process that died while compiling: taken over. */
const staleLockMs = 20 * 60_000;

type GoCacheSeed = { ok: true; dir: string } | { ok: false; message: string };

export type GoBuildContext = {
  sandbox: Sandbox;
  logger: Logger;
  workspace: Workspace;
  run: StepRunner;
  /** Relative to the function's folder: the file whose directory holds package main. */
  entry: string;
  cacheDir: string;
  onLog?: ((line: string) => void) | undefined;
};

/** Builds the function's binary into the workspace's out/. */
export async function buildGoFunction(
  context: GoBuildContext,
): Promise<{ ok: true; entry: string; outputDir: string } | { ok: false; message: string }> {
  const version = await goVersion();
  if (!version) return { ok: false, message: "Go is not installed on this machine" };
  const seed = await goCacheSeed(context, version);
  if (!seed.ok) return seed;
  await runHostCommand("cp", ["-a", "--reflink=auto", seed.dir, join(context.workspace.dir, "gocache")]);
  await mkdir(join(context.workspace.dir, "out"));
  const failed = await context.run(goBuildStep(posix.dirname(context.entry), version));
  return failed ? { ok: false, message: failed } : { ok: true, entry: goBinaryName, outputDir: "out" };
}

/**
 * Adds the host file (and a go.mod when there is none) inside the sandbox, since the folder's
 * paths are the user's (a symbolic link there must not lead a host-side write anywhere), then
 * builds. The seed builds with the very same command, or the cache would not match.
 */
function goBuildStep(packageDir: string, version: string): PackagingStep {
  const languageVersion = /^go(\d+\.\d+)/.exec(version)?.[1] ?? "1.19";
  const dir = shellQuote(`./${packageDir}`);
  const goMod = `module fn\\n\\ngo ${languageVersion}\\n`;
  return {
    title: "go build failed",
    command: [
      `cp ${hostsMount}/go-host.go ${dir}/${hostFileName}`,
      `{ [ -e go.mod ] || printf '${goMod}' > go.mod; }`,
      `go build -trimpath -o /workspace/out/${goBinaryName} ${dir}`,
    ].join(" && "),
    env: { GOCACHE: "/workspace/gocache", GOPROXY: "off", GOSUMDB: "off", CGO_ENABLED: "0" },
    binds: [{ source: hostsDir, destination: hostsMount }],
    hint(output) {
      if (
        /no required module provides package|cannot find module providing package|module lookup disabled/.test(output)
      )
        return "Go functions can import the standard library only: modules are not downloaded (vendor them).";
      if (/undefined: Handler\b/.test(output))
        return "A Go function defines func Handler(req Request) Response in package main.";
      return null;
    },
  };
}

/** The build cache every Go build starts from, compiled on first use; concurrent first builds wait for one. */
async function goCacheSeed(context: GoBuildContext, version: string): Promise<GoCacheSeed> {
  const dir = join(context.cacheDir, "go-build", version);
  if (await exists(dir)) return { ok: true, dir };
  let pending = seeding.get(dir);
  if (!pending) {
    pending = compileSeedOnce(context, version, dir).finally(() => seeding.delete(dir));
    seeding.set(dir, pending);
  }
  return pending;
}

/** Another platform process on the same data dir (a test worker, a second worker role) may be compiling it: one does. */
async function compileSeedOnce(context: GoBuildContext, version: string, dir: string): Promise<GoCacheSeed> {
  const lock = `${dir}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  for (;;) {
    const isLocked = await mkdir(lock).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") throw error;
        return false;
      },
    );
    if (isLocked) break;
    if (await exists(dir)) return { ok: true, dir };
    const lockedAt = (await stat(lock).catch(() => null))?.mtimeMs ?? Date.now();
    if (Date.now() - lockedAt > staleLockMs) await rm(lock, { recursive: true, force: true });
    else await sleep(1_000);
  }
  try {
    return (await exists(dir)) ? { ok: true, dir } : await compileSeed(context, version, dir);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function compileSeed(context: GoBuildContext, version: string, dir: string): Promise<GoCacheSeed> {
  context.onLog?.(`compiling the Go standard library once for the build cache (${version})`);
  context.logger.info({ version, dir }, "functions: compiling the Go standard library into the build cache");
  const workspace = await context.sandbox.createWorkspace("go-cache-seed");
  try {
    await mkdir(join(workspace.dir, sourceSubdir));
    await writeFile(join(workspace.dir, sourceSubdir, "main.go"), stubHandler);
    await mkdir(join(workspace.dir, "out"));
    await mkdir(join(workspace.dir, "gocache"));
    const run = createStepRunner({
      sandbox: context.sandbox,
      workspace,
      // Shared by every build waiting for it: one build's cancel must not cancel it.
      signal: new AbortController().signal,
      timeLimitSeconds: 15 * 60,
      // Only the platform's own code: it may use more of the machine than a function's build.
      limits: { memoryMb: 2048, cpus: Math.min(4, availableParallelism()), pids: 512 },
      onLog: context.onLog,
    });
    const failed = await run(goBuildStep(".", version));
    if (failed) {
      context.logger.warn({ version, failed }, "functions: the Go standard library did not compile");
      return { ok: false, message: `Go could not compile its standard library on this machine: ${failed}` };
    }
    const staging = join(context.cacheDir, "go-build", `.staging-${randomText(10)}`);
    await mkdir(join(context.cacheDir, "go-build"), { recursive: true });
    try {
      await runHostCommand("cp", ["-a", "--no-preserve=ownership", join(workspace.dir, "gocache"), staging]);
      await rename(staging, dir).catch((error: NodeJS.ErrnoException) => {
        // Another platform process on the same data dir seeded it meanwhile.
        if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return { ok: true, dir };
  } finally {
    await workspace.remove();
  }
}

/** "go1.19.8", or null when there is no Go here. */
async function goVersion(): Promise<string | null> {
  try {
    return (await runHostCommand("go", ["env", "GOVERSION"], { timeoutMs: 10_000 })).stdout.trim() || null;
  } catch {
    return null;
  }
}

async function exists(path: string) {
  return access(path).then(
    () => true,
    () => false,
  );
}

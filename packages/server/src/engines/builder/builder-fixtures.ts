import { type ChildProcess, spawn } from "node:child_process";
import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { create, Header } from "tar";
import { randomText } from "../../platform/ids.ts";
import { testLogger, waitFor } from "../../testing/test-store.ts";
import { runHostCommand } from "../sandbox/run-host-command.ts";
import { createSandbox } from "../sandbox/sandbox.ts";
import { createBuilder } from "./builder.ts";
import type { Artifact, BuildEvents, BuildSpec, BuildStep, IsolationReport, LogLine } from "./builder.types.ts";

export const examplesDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../../examples");

/** A real builder over a real sandbox, with its own data dir; git may read local repositories. */
export async function openTestBuilder() {
  const root = await mkdtemp(join(tmpdir(), "slipway-builder-test-"));
  // mkdtemp makes it 0700; the sandbox user must pass through to the work root below it.
  await chmod(root, 0o711);
  const dataDir = join(root, "data");
  const sandbox = createSandbox({ logger: testLogger, workRoot: join(root, "work") });
  const builder = createBuilder({ logger: testLogger, sandbox, dataDir, gitProtocols: ["https", "git", "file"] });
  return { builder, sandbox, dataDir, root, destroy: () => rm(root, { recursive: true, force: true }) };
}

/** What the control plane would hold for a build: its log, its steps, and earlier artifacts by source key. */
export function recordBuild(artifacts: Map<string, Artifact> = new Map()) {
  const logs: LogLine[] = [];
  const steps: BuildStep[] = [];
  const isolation: IsolationReport[] = [];
  const events: BuildEvents = {
    onLog: (line) => logs.push(line),
    onStep: (step) => steps.push(step),
    onIsolation: (report) => isolation.push(report),
    findReusable: async (sourceKey) => artifacts.get(sourceKey) ?? null,
  };
  return {
    events,
    logs,
    steps,
    isolation,
    text: () => logs.map((line) => line.text).join("\n"),
    /** The last status each step reached. */
    finalSteps: () => Object.fromEntries(steps.map((step) => [step.id, step.status])),
  };
}

export function buildSpec(source: BuildSpec["source"], overrides: Partial<BuildSpec> = {}): BuildSpec {
  return {
    buildId: `bld_${randomText(10)}`,
    cacheScope: "prj_test",
    source,
    rootDir: "",
    overrides: {},
    env: {},
    secrets: [],
    limits: { memoryMb: 2048, cpus: 2, pids: 1024, timeoutSeconds: 300 },
    ...overrides,
  };
}

const gitIdentity = {
  GIT_AUTHOR_NAME: "Slipway Test",
  GIT_AUTHOR_EMAIL: "test@slipway.test",
  GIT_COMMITTER_NAME: "Slipway Test",
  GIT_COMMITTER_EMAIL: "test@slipway.test",
};

/** A bare repository holding one commit of `sourceDir` on `main`; returns its path and the commit sha. */
export async function createBareRepository(root: string, sourceDir: string, name = randomText(8)) {
  const work = join(root, `${name}-work`);
  const bare = join(root, `${name}.git`);
  await copyExample(sourceDir, work);
  const env = { ...gitIdentity, HOME: root, PATH: "/usr/bin:/bin", GIT_CONFIG_NOSYSTEM: "1" };
  await runHostCommand("git", ["init", "--quiet", "--initial-branch", "main"], { cwd: work, env });
  await runHostCommand("git", ["add", "--all"], { cwd: work, env });
  await runHostCommand("git", ["commit", "--quiet", "--message", "example"], { cwd: work, env });
  const sha = (await runHostCommand("git", ["rev-parse", "HEAD"], { cwd: work, env })).stdout.trim();
  await runHostCommand("git", ["clone", "--quiet", "--bare", work, bare], { env });
  return { bare, sha };
}

/** Copies an example without what a local run may have left in it. */
export async function copyExample(sourceDir: string, target: string) {
  await cp(sourceDir, target, {
    recursive: true,
    filter: (source) => !/\/(node_modules|dist)(\/|$)/.test(source.slice(sourceDir.length)),
  });
}

/** A .tar.gz of `sourceDir`, as the CLI would upload it. */
export async function createArchive(root: string, sourceDir: string) {
  const copy = join(root, `archive-src-${randomText(6)}`);
  await copyExample(sourceDir, copy);
  const file = join(root, `upload-${randomText(6)}.tar.gz`);
  await create({ gzip: true, file, cwd: copy, portable: true }, ["."]);
  return file;
}

export type RawTarEntry = {
  path: string;
  type: "File" | "Directory" | "SymbolicLink" | "Link" | "FIFO" | "CharacterDevice";
  content?: string;
  linkpath?: string;
};

/** A .tar.gz written header by header: archives no well-behaved tool would make. */
export async function writeRawArchive(root: string, entries: RawTarEntry[]) {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.content ?? "");
    const header = new Header({
      path: entry.path,
      type: entry.type,
      size: body.length,
      linkpath: entry.linkpath,
      mode: entry.type === "Directory" ? 0o755 : 0o644,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  const file = join(root, `raw-${randomText(6)}.tar.gz`);
  await writeFile(file, gzipSync(Buffer.concat(blocks)));
  return file;
}

/** `git daemon` serving every repository under `basePath` on 127.0.0.1; `stop` ends it. */
export async function startGitDaemon(basePath: string) {
  const port = await freePort();
  const daemon: ChildProcess = spawn(
    "git",
    ["daemon", "--export-all", "--reuseaddr", `--base-path=${basePath}`, "--listen=127.0.0.1", `--port=${port}`],
    { stdio: "ignore", env: { PATH: "/usr/bin:/bin" } },
  );
  await waitFor("git daemon to listen", async () => {
    const result = await runHostCommand("git", ["ls-remote", `git://127.0.0.1:${port}/`]).catch(
      (error: Error) => error,
    );
    // Connected: the daemon answers (an empty path is not a repository, so it refuses).
    return result instanceof Error ? !/Connection refused|unable to connect/i.test(result.message) : true;
  });
  return { url: (name: string) => `git://127.0.0.1:${port}/${name}`, stop: () => daemon.kill("SIGKILL") };
}

/**
 * Starts a server app from its artifact directory as a plain host process, PORT set and HOME
 * its own: a smoke check of what the artifact holds, not of the runtime (no sandbox here).
 * Resolves once GET /healthz answers 200; `stop` sends SIGTERM and resolves with the exit code.
 */
export async function startFromArtifact(artifact: Artifact, command: string[], env: Record<string, string> = {}) {
  const [program, ...args] = command;
  if (!program) throw new Error("no command to start");
  const port = await freePort();
  const home = await mkdtemp(join(tmpdir(), "slipway-app-home-"));
  const output: string[] = [];
  const child = spawn(program, args, {
    cwd: artifact.dir,
    env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: home, PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      `${command.join(" ")} to answer on port ${port}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${output.join("")}`);
        return fetch(`${url}/healthz`).then(
          (response) => response.ok,
          () => false,
        );
      },
      { timeoutMs: 15_000 },
    );
  } catch (error) {
    child.kill("SIGKILL");
    await rm(home, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    port,
    /** What the app printed so far, stdout and stderr together. */
    output: () => output.join(""),
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      // A shutdown that hangs still ends; the exit code then says it did not exit by itself.
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(timer);
      await rm(home, { recursive: true, force: true });
      return code;
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** A directory tree from a map of relative path → content. */
export async function writeTree(dir: string, files: Record<string, string>) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

import { spawn } from "node:child_process";
import { access, chmod, chown, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { randomText } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import type { BuildLimits, IsolationReport } from "../builder/builder.types.ts";
import {
  bwrapArguments,
  checkSubdir,
  describeSystemView,
  groupFile,
  innerUser,
  isWorldTraversable,
  passwdFile,
  type SystemView,
  sandboxEnvironment,
} from "./bwrap-arguments.ts";
import { type CgroupHost, detectCgroups, type RunCgroup } from "./cgroups.ts";
import { findOrphans, ownedName } from "./orphans.ts";
import { createLineSplitter } from "./output-lines.ts";
import { runHostCommand } from "./run-host-command.ts";
import type { Sandbox, SandboxResult, SandboxRunOptions, Workspace } from "./sandbox.types.ts";

export type SandboxOptions = {
  logger: Logger;
  /** Every workspace lives here. Made 0711: the sandbox user must pass through it, not list it. */
  workRoot: string;
  /**
   * The host uid/gid sandboxed processes run as when the platform runs as root, so that a
   * process which got out of its namespaces would still be nobody. Unused otherwise.
   */
  hostUser?: { uid: number; gid: number };
  bwrapPath?: string;
  /** Where the cgroup v1 hierarchies are mounted (default /sys/fs/cgroup). */
  cgroupRoot?: string;
};

/** Decided once per process by probing: what run() actually does on this host. */
type Mode = {
  useBwrap: boolean;
  /** null: keep the platform's own uid. */
  dropTo: { uid: number; gid: number } | null;
  cgroups: CgroupHost | null;
  hasPrlimit: boolean;
  systemView: SystemView;
  hasCgroupNamespace: boolean;
};

const defaultHostUser = { uid: 64_000, gid: 64_000 };
/** Puts the shell in each cgroup listed before `--`, then becomes the rest of its arguments. */
const attachScript = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';
const hostPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** How long output may still arrive once the command has exited. */
const closeGraceMs = 2_000;
const probeLimits: BuildLimits = { memoryMb: 256, cpus: 1, pids: 64, timeoutSeconds: 30 };

export function createSandbox(options: SandboxOptions): Sandbox {
  const { logger, workRoot } = options;
  const bwrapPath = options.bwrapPath ?? "/usr/bin/bwrap";
  let modePromise: Promise<Mode> | null = null;
  const mode = () => {
    modePromise ??= probe();
    return modePromise;
  };

  const makeWorkspace = async (label: string, dropTo: Mode["dropTo"]): Promise<Workspace> => {
    const safeLabel = label.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 60);
    const dir = join(workRoot, ownedName(`${safeLabel}-${randomText(10)}`));
    await mkdir(dir, { mode: 0o700 });
    if (dropTo) await chown(dir, dropTo.uid, dropTo.gid);
    return {
      dir,
      async adopt() {
        // -h: a symlink in the tree changes owner itself; -R does not follow links into other trees.
        if (dropTo) await runHostCommand("chown", ["-R", "-h", `${dropTo.uid}:${dropTo.gid}`, dir]);
      },
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  };

  async function probe(): Promise<Mode> {
    await mkdir(workRoot, { recursive: true });
    await chmod(workRoot, 0o711);
    for (const orphan of await findOrphans(workRoot)) {
      logger.info({ workspace: orphan }, "sandbox: removing a workspace left by a process that is gone");
      await rm(join(workRoot, orphan), { recursive: true, force: true });
    }
    const [cgroups, hasPrlimit, hasSetpriv, hasBwrap, systemView, hasCgroupNamespace] = await Promise.all([
      detectCgroups(options.cgroupRoot),
      isExecutable("/usr/bin/prlimit"),
      isExecutable("/usr/bin/setpriv"),
      isExecutable(bwrapPath),
      describeSystemView(),
      access("/proc/self/ns/cgroup").then(
        () => true,
        () => false,
      ),
    ]);
    const isRoot = process.getuid?.() === 0;
    let dropTo = isRoot && hasSetpriv ? (options.hostUser ?? defaultHostUser) : null;
    if (dropTo && !(await isWorldTraversable(workRoot))) {
      logger.warn({ workRoot }, "sandbox: the work root is not reachable by an unprivileged user; builds run as root");
      dropTo = null;
    }
    for (const tool of systemView.unreachableTools) logger.warn({ tool }, "sandbox: tool not reachable, not bound");
    const candidates: Mode[] = [];
    const base = { cgroups, hasPrlimit, systemView, hasCgroupNamespace };
    if (hasBwrap && dropTo) candidates.push({ ...base, useBwrap: true, dropTo });
    if (hasBwrap) candidates.push({ ...base, useBwrap: true, dropTo: null });
    for (const candidate of candidates) {
      const problem = await tryMode(candidate);
      if (!problem) return candidate;
      logger.warn({ dropTo: candidate.dropTo, problem }, "sandbox: bubblewrap probe failed");
    }
    logger.error("sandbox: bubblewrap is not usable here; commands run without namespaces");
    return { ...base, useBwrap: false, dropTo };
  }

  /** Runs `true` the way a build would; returns what went wrong, or null. */
  async function tryMode(candidate: Mode): Promise<string | null> {
    const workspace = await makeWorkspace(".probe", candidate.dropTo);
    const errors: string[] = [];
    try {
      const result = await execute(candidate, {
        command: "true",
        cwd: workspace.dir,
        env: {},
        limits: probeLimits,
        signal: new AbortController().signal,
        onOutput: (_stream, text) => errors.push(text),
      });
      return result.exitCode === 0 ? null : errors.join("\n") || `exit ${result.exitCode}`;
    } catch (error) {
      return (error as Error).message;
    } finally {
      await workspace.remove();
    }
  }

  async function execute(current: Mode, run: SandboxRunOptions): Promise<SandboxResult> {
    const started = performance.now();
    const result = (patch: Partial<SandboxResult>): SandboxResult => ({
      exitCode: null,
      signal: null,
      isTimedOut: false,
      isOutOfMemory: false,
      hasHitPidsLimit: false,
      isCanceled: false,
      durationMs: Math.round(performance.now() - started),
      ...patch,
    });
    if (run.signal.aborted) return result({ isCanceled: true });

    const subdir = checkSubdir(run.subdir ?? "");
    const runId = ownedName(randomText(12));
    const noBwrapHome = current.useBwrap ? null : join(workRoot, `${runId}.home`);
    const env = sandboxEnvironment(run.env, noBwrapHome ?? innerUser.home, current.systemView.toolBinDirs);
    if (noBwrapHome) {
      await mkdir(noBwrapHome, { mode: 0o700 });
      if (current.dropTo) await chown(noBwrapHome, current.dropTo.uid, current.dropTo.gid);
    }
    const cgroup = current.cgroups ? await current.cgroups.create(runId, run.limits) : null;
    const argv = [
      ...(cgroup?.procsFiles ?? []),
      "--",
      ...prlimitArguments(current, cgroup, run.limits),
      ...setprivArguments(current.dropTo),
      ...(current.useBwrap ? [bwrapPath, "--args", "3", "--"] : []),
      "/bin/sh",
      "-c",
      run.command,
    ];
    const child = spawn("/bin/sh", ["-c", attachScript, "slipway-sandbox", ...argv], {
      cwd: current.useBwrap ? run.cwd : join(run.cwd, subdir),
      // Explicit and minimal: the platform's environment (master key, database URL) never gets in.
      env: current.useBwrap ? { PATH: hostPath } : env,
      stdio: ["ignore", "pipe", "pipe", "pipe", "pipe", "pipe"],
      detached: true,
    });
    const setupFiles = current.useBwrap
      ? [
          bwrapArguments({
            systemView: current.systemView,
            workspace: run.cwd,
            subdir,
            env,
            extraReadOnlyBinds: run.extraReadOnlyBinds ?? [],
            passwdFd: 4,
            groupFd: 5,
          }).join("\0"),
          passwdFile,
          groupFile,
        ]
      : ["", "", ""];
    setupFiles.forEach((content, index) => {
      const stream = child.stdio[index + 3] as Writable;
      // bwrap may exit before reading (bad arguments): its own message says why, not an EPIPE.
      stream.on("error", () => undefined);
      stream.end(content);
    });

    let isTimedOut = false;
    let isCanceled = false;
    let hasExited = false;
    let sweeping: Promise<boolean> | null = null;
    const killTree = () => {
      // Once the outer process is reaped its group id may be reused: only signal it while it lives.
      if (child.pid && !hasExited) {
        try {
          // The group holds the outer bwrap; its death takes the inner pid namespace down (die-with-parent).
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
      sweeping ??= cgroup?.killAll() ?? null;
    };
    const timer = setTimeout(
      () => {
        isTimedOut = true;
        killTree();
      },
      Math.max(0, run.limits.timeoutSeconds * 1000),
    );
    const onAbort = () => {
      isCanceled = true;
      killTree();
    };
    run.signal.addEventListener("abort", onAbort, { once: true });

    const splitters = (["stdout", "stderr"] as const).map((stream) => {
      const splitter = createLineSplitter((line) => run.onOutput(stream, line));
      child[stream]?.on("data", (chunk: Buffer) => splitter.push(chunk));
      return splitter;
    });
    const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
    try {
      const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
        child.once("error", reject);
        child.once("exit", (code, signalName) => resolve([code, signalName]));
      });
      // Without bwrap, a process that left the group may outlive the command: the cgroup sweep finds it.
      if (!current.useBwrap && !cgroup) killTree();
      hasExited = true;
      killTree();
      const isSwept = (await sweeping) ?? true;
      if (!isSwept) logger.error({ runId }, "sandbox: processes of a run survived the kill");
      // What is still in the pipes; a straggler holding them (no bwrap, no cgroup) does not hold the run.
      await Promise.race([closed, sleep(closeGraceMs, undefined, { ref: false })]);
      for (const splitter of splitters) splitter.end();
      child.stdout?.destroy();
      child.stderr?.destroy();
      return result({
        exitCode,
        signal,
        isTimedOut,
        isCanceled: isCanceled && !isTimedOut,
        isOutOfMemory: (await cgroup?.isOutOfMemory()) ?? false,
        hasHitPidsLimit: (await cgroup?.hasHitPidsLimit()) ?? false,
      });
    } finally {
      clearTimeout(timer);
      run.signal.removeEventListener("abort", onAbort);
      await cgroup?.remove();
      if (noBwrapHome) await rm(noBwrapHome, { recursive: true, force: true });
    }
  }

  return {
    async isolation(limits) {
      const current = await mode();
      const cgroupControllers = current.cgroups?.controllers ?? [];
      const prlimit = current.hasPrlimit ? "prlimit" : "none";
      const report: IsolationReport = {
        sandbox: current.useBwrap ? "bubblewrap" : "none",
        namespaces: current.useBwrap
          ? ["user", "mount", "pid", "ipc", "uts", ...(current.hasCgroupNamespace ? ["cgroup"] : [])]
          : [],
        memoryLimit: cgroupControllers.includes("memory") ? "cgroup" : prlimit,
        // RLIMIT_NPROC does not bind root.
        pidsLimit: cgroupControllers.includes("pids") ? "cgroup" : current.dropTo ? prlimit : "none",
        cpuLimit: cgroupControllers.includes("cpu") ? "cgroup" : "none",
        wallClockLimitSeconds: limits?.timeoutSeconds ?? 0,
        hostUid: current.dropTo?.uid ?? process.getuid?.() ?? 0,
      };
      return report;
    },
    async run(runOptions) {
      return execute(await mode(), runOptions);
    },
    async createWorkspace(label) {
      return makeWorkspace(label, (await mode()).dropTo);
    },
  };
}

/** Becomes the unprivileged host user, with no supplementary groups and no way to regain privileges. */
function setprivArguments(dropTo: Mode["dropTo"]): string[] {
  if (!dropTo) return [];
  const ids = [`--reuid=${dropTo.uid}`, `--regid=${dropTo.gid}`];
  return ["/usr/bin/setpriv", ...ids, "--clear-groups", "--no-new-privs", "--"];
}

/**
 * Where cgroups cannot hold a limit: the data segment for memory (not the address space: V8
 * reserves gigabytes it never touches, and Node would not start under RLIMIT_AS), processes
 * of the sandbox uid for pids (shared by its concurrent runs).
 */
function prlimitArguments(current: Mode, cgroup: RunCgroup | null, limits: BuildLimits): string[] {
  if (!current.hasPrlimit) return [];
  const held = cgroup?.controllers ?? [];
  const args: string[] = [];
  if (!held.includes("memory")) args.push(`--data=${Math.floor(limits.memoryMb) * 1024 * 1024}`);
  if (!held.includes("pids") && current.dropTo) args.push(`--nproc=${Math.floor(limits.pids)}`);
  return args.length > 0 ? ["/usr/bin/prlimit", ...args, "--"] : [];
}

async function isExecutable(path: string) {
  return access(path, 1).then(
    () => true,
    () => false,
  );
}

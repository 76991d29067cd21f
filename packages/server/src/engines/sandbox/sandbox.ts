import { access, chmod, chown, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { randomText } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import type { BuildLimits, IsolationReport } from "../builder/builder.types.ts";
import { describeSystemView, isWorldTraversable } from "./bwrap-arguments.ts";
import { detectCgroups } from "./cgroups.ts";
import { findOrphans, ownedName } from "./orphans.ts";
import { processTreeUsage } from "./process-usage.ts";
import { runHostCommand } from "./run-host-command.ts";
import type {
  Sandbox,
  SandboxInstance,
  SandboxResult,
  SandboxRunOptions,
  SandboxStartOptions,
  Workspace,
} from "./sandbox.types.ts";
import { type Mode, spawnSandboxed } from "./sandbox-process.ts";

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

const defaultHostUser = { uid: 64_000, gid: 64_000 };
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

    const sandboxed = await spawnSandboxed({ mode: current, workRoot, bwrapPath, logger }, run);
    let isTimedOut = false;
    let isCanceled = false;
    const timer = setTimeout(
      () => {
        isTimedOut = true;
        sandboxed.killTree();
      },
      Math.max(0, run.limits.timeoutSeconds * 1000),
    );
    const onAbort = () => {
      isCanceled = true;
      sandboxed.killTree();
    };
    run.signal.addEventListener("abort", onAbort, { once: true });
    try {
      const outcome = await sandboxed.finished;
      return result({ ...outcome, isTimedOut, isCanceled: isCanceled && !isTimedOut });
    } finally {
      clearTimeout(timer);
      run.signal.removeEventListener("abort", onAbort);
    }
  }

  async function start(current: Mode, options: SandboxStartOptions): Promise<SandboxInstance> {
    const sandboxed = await spawnSandboxed(
      { mode: current, workRoot, bwrapPath, logger },
      {
        ...options,
        isInstance: true,
      },
    );
    const exited = sandboxed.finished.then(({ exitCode, signal, isOutOfMemory }) => ({
      exitCode,
      signal,
      isOutOfMemory,
    }));
    let stopping: Promise<void> | null = null;
    return {
      pid: sandboxed.pid,
      usage: () => processTreeUsage(sandboxed.pid),
      exited,
      stop(graceMs) {
        stopping ??= (async () => {
          await sandboxed.terminate();
          const timer = setTimeout(() => sandboxed.killTree(), Math.max(0, graceMs));
          try {
            await exited.catch(() => undefined);
          } finally {
            clearTimeout(timer);
          }
        })();
        return stopping;
      },
    };
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
    async start(startOptions) {
      return start(await mode(), startOptions);
    },
    async createWorkspace(label) {
      return makeWorkspace(label, (await mode()).dropTo);
    },
  };
}

async function isExecutable(path: string) {
  return access(path, 1).then(
    () => true,
    () => false,
  );
}

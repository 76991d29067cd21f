import { spawn } from "node:child_process";
import { chown, mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { randomText } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import {
  bwrapArguments,
  checkSubdir,
  groupFile,
  innerUser,
  passwdFile,
  type SystemView,
  sandboxEnvironment,
} from "./bwrap-arguments.ts";
import type { CgroupHost, RunCgroup } from "./cgroups.ts";
import { ownedName } from "./orphans.ts";
import { createLineSplitter } from "./output-lines.ts";
import type { SandboxBind, SandboxInstanceLimits } from "./sandbox.types.ts";

/** Decided once per process by probing: what the sandbox actually does on this host. */
export type Mode = {
  useBwrap: boolean;
  /** null: keep the platform's own uid. */
  dropTo: { uid: number; gid: number } | null;
  cgroups: CgroupHost | null;
  hasPrlimit: boolean;
  systemView: SystemView;
  hasCgroupNamespace: boolean;
};

export type SpawnContext = { mode: Mode; workRoot: string; bwrapPath: string; logger: Logger };

export type SpawnOptions = {
  command: string;
  cwd: string;
  subdir?: string;
  workdir?: string;
  env: Record<string, string>;
  extraReadOnlyBinds?: SandboxBind[];
  limits: SandboxInstanceLimits;
  onOutput(stream: "stdout" | "stderr", text: string): void;
  /** A long-running instance: terminate() lets every process of it finish before the sandbox goes down. */
  isInstance?: boolean;
};

export type SpawnOutcome = {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  isOutOfMemory: boolean;
  hasHitPidsLimit: boolean;
};

/** One sandboxed command, from spawn to its cgroup and home being gone. */
export type SandboxedProcess = {
  /** Host pid of the outermost process (bwrap, or the shell without it). */
  pid: number;
  /** SIGKILLs every process of the run at once. */
  killTree(): void;
  /** SIGTERMs every process of the command, not bwrap's own. */
  terminate(): Promise<void>;
  /** Settles once the command exited, every process of it is gone and its cgroup is removed. */
  finished: Promise<SpawnOutcome>;
};

/** Puts the shell in each cgroup listed before `--`, then becomes the rest of its arguments. */
const attachScript = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';
const hostPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** How long output may still arrive once the command has exited. */
const closeGraceMs = 2_000;
/**
 * Under bwrap the namespace dies with the command's shell, SIGKILLing whatever it still holds.
 * Given SIGTERM, the shell waits (after its foreground command) until it is the last process
 * besides bwrap's init, so that an app's children finish their requests too. The shell's own
 * /proc is the sandbox's; globbing it forks nothing.
 */
const instancePrologue =
  "trap 's=$?; while :; do n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; [ $n -le 2 ] && exit $s; sleep 0.1; done' TERM\n";

export async function spawnSandboxed(context: SpawnContext, run: SpawnOptions): Promise<SandboxedProcess> {
  const { mode: current, workRoot, bwrapPath, logger } = context;
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
    run.isInstance && current.useBwrap ? instancePrologue + run.command : run.command,
  ];
  const child = spawn("/bin/sh", ["-c", attachScript, "slipway-sandbox", ...argv], {
    cwd: current.useBwrap ? run.cwd : hostWorkdir(run, subdir),
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
          workdir: run.workdir,
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

  const splitters = (["stdout", "stderr"] as const).map((stream) => {
    const splitter = createLineSplitter((line) => run.onOutput(stream, line));
    child[stream]?.on("data", (chunk: Buffer) => splitter.push(chunk));
    return splitter;
  });
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const finished = (async (): Promise<SpawnOutcome> => {
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
      return {
        exitCode,
        signal,
        isOutOfMemory: (await cgroup?.isOutOfMemory()) ?? false,
        hasHitPidsLimit: (await cgroup?.hasHitPidsLimit()) ?? false,
      };
    } finally {
      hasExited = true;
      await cgroup?.remove();
      if (noBwrapHome) await rm(noBwrapHome, { recursive: true, force: true });
    }
  })();

  return {
    pid: child.pid ?? 0,
    killTree,
    async terminate() {
      if (!child.pid || hasExited) return;
      for (const pid of await appProcesses(child.pid)) {
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          // Already gone.
        }
      }
    },
    finished,
  };
}

/** Without bwrap there are no mounts: a workdir inside a bind is that place on the host. */
function hostWorkdir(run: SpawnOptions, subdir: string): string {
  const bind = run.workdir && run.extraReadOnlyBinds?.find((b) => run.workdir?.startsWith(b.destination));
  if (bind && run.workdir) return join(bind.source, run.workdir.slice(bind.destination.length));
  return join(run.cwd, subdir);
}

/** The root and its descendants, bwrap's own processes left out; from the host's /proc. */
async function appProcesses(root: number): Promise<number[]> {
  return (await processTree(root)).filter((process) => process.name !== "bwrap").map((process) => process.pid);
}

/** The root and every descendant, from the host's /proc. */
export async function processTree(root: number): Promise<{ pid: number; name: string }[]> {
  const children = new Map<number, { pid: number; name: string }[]>();
  for (const entry of await readdir("/proc").catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    const close = stat.lastIndexOf(")");
    if (close < 0) continue;
    const name = stat.slice(stat.indexOf("(") + 1, close);
    const ppid = Number(stat.slice(close + 2).split(" ")[1]);
    const siblings = children.get(ppid) ?? [];
    siblings.push({ pid: Number(entry), name });
    children.set(ppid, siblings);
  }
  const rootName = (await readFile(`/proc/${root}/comm`, "utf8").catch(() => "")).trim();
  const found = rootName ? [{ pid: root, name: rootName }] : [];
  let level = [root];
  while (level.length > 0) {
    const next = level.flatMap((pid) => children.get(pid) ?? []);
    found.push(...next);
    level = next.map((process) => process.pid);
  }
  return found;
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
function prlimitArguments(current: Mode, cgroup: RunCgroup | null, limits: SandboxInstanceLimits): string[] {
  if (!current.hasPrlimit) return [];
  const held = cgroup?.controllers ?? [];
  const args: string[] = [];
  if (!held.includes("memory")) args.push(`--data=${Math.floor(limits.memoryMb) * 1024 * 1024}`);
  if (!held.includes("pids") && current.dropTo) args.push(`--nproc=${Math.floor(limits.pids)}`);
  return args.length > 0 ? ["/usr/bin/prlimit", ...args, "--"] : [];
}

import { access, constants, mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { BuildLimits } from "../builder/builder.types.ts";
import { findOrphans } from "./orphans.ts";

/**
 * Per-run limits through cgroup v1 controllers. Each run gets `<own cgroup>/slipway/<run>` under
 * the memory, pids and cpu hierarchies: nesting under the platform's own cgroup keeps any limit
 * the host put on the platform in force for the builds too. cgroup v2 is not handled yet: there
 * a child needs delegation, which plain processes do not have; the sandbox falls back to prlimit.
 */

const cgroupControllers = ["memory", "pids", "cpu"] as const;
export type CgroupController = (typeof cgroupControllers)[number];
/** No wall clock here: that is the caller's timer. */
export type CgroupLimits = Pick<BuildLimits, "memoryMb" | "cpus" | "pids">;

export type CgroupHost = {
  /** Controllers whose `slipway` parent exists and is writable. */
  controllers: CgroupController[];
  create(runId: string, limits: CgroupLimits): Promise<RunCgroup>;
};

export type RunCgroup = {
  /** Controllers whose limit is actually in force for this run. */
  controllers: CgroupController[];
  /** Write a pid into each of these to put the process (and its future children) under the limits. */
  procsFiles: string[];
  isOutOfMemory(): Promise<boolean>;
  hasHitPidsLimit(): Promise<boolean>;
  /** SIGKILLs every process in the run's cgroups until none is left (or the deadline passes). */
  killAll(deadlineMs?: number): Promise<boolean>;
  remove(): Promise<void>;
};

const cpuPeriodMicroseconds = 100_000;

/** Finds writable v1 hierarchies for the controllers; null when none is usable. */
export async function detectCgroups(root = "/sys/fs/cgroup"): Promise<CgroupHost | null> {
  const ownPaths = await readOwnCgroupPaths();
  const parents = new Map<CgroupController, string>();
  for (const controller of cgroupControllers) {
    const ownPath = ownPaths.get(controller);
    if (ownPath === undefined) continue;
    const parent = join(root, controller, ownPath, "slipway");
    try {
      await mkdir(parent, { recursive: true });
      await access(join(parent, "cgroup.procs"), constants.W_OK);
      parents.set(controller, parent);
      // Left by a platform process that died mid-run: its sandboxes died with it (die-with-parent).
      for (const orphan of await findOrphans(parent)) await rmdir(join(parent, orphan)).catch(() => undefined);
    } catch {
      // Read-only, v2-only or absent: this controller falls back.
    }
  }
  if (parents.size === 0) return null;
  return {
    controllers: [...parents.keys()],
    create: (runId, limits) => createRunCgroup(parents, runId, limits),
  };
}

/** `/proc/self/cgroup` lines are `id:controllers:path`; v1 lines name their controllers. */
async function readOwnCgroupPaths(): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  const text = await readFile("/proc/self/cgroup", "utf8").catch(() => "");
  for (const line of text.split("\n")) {
    const [, names, path] = line.split(":");
    if (!names || path === undefined) continue;
    for (const name of names.split(",")) paths.set(name, path);
  }
  return paths;
}

async function createRunCgroup(
  parents: Map<CgroupController, string>,
  runId: string,
  limits: CgroupLimits,
): Promise<RunCgroup> {
  const dirs = new Map<CgroupController, string>();
  const memoryBytes = Math.max(16, Math.floor(limits.memoryMb)) * 1024 * 1024;
  const settings: Record<CgroupController, [string, string][]> = {
    // memsw after the plain limit: it may never be below it. Equal values mean no swap.
    memory: [
      ["memory.limit_in_bytes", String(memoryBytes)],
      ["memory.memsw.limit_in_bytes", String(memoryBytes)],
    ],
    pids: [["pids.max", String(Math.max(1, Math.floor(limits.pids)))]],
    cpu: [
      ["cpu.cfs_period_us", String(cpuPeriodMicroseconds)],
      ["cpu.cfs_quota_us", String(Math.max(1_000, Math.round(limits.cpus * cpuPeriodMicroseconds)))],
    ],
  };
  for (const [controller, parent] of parents) {
    const dir = join(parent, runId);
    try {
      await mkdir(dir);
      for (const [file, value] of settings[controller]) {
        // Without swap accounting the memsw file is absent: the plain limit still holds.
        if (file === "memory.memsw.limit_in_bytes" && !(await exists(join(dir, file)))) continue;
        await writeFile(join(dir, file), value);
      }
      dirs.set(controller, dir);
    } catch {
      await rmdir(dir).catch(() => undefined);
    }
  }

  const readProcs = async () => {
    const pids = new Set<number>();
    for (const dir of dirs.values()) {
      const text = await readFile(join(dir, "cgroup.procs"), "utf8").catch(() => "");
      for (const pid of text.split("\n").filter(Boolean)) pids.add(Number(pid));
    }
    return pids;
  };
  const readCounter = async (controller: CgroupController, file: string, key: string) => {
    const dir = dirs.get(controller);
    if (!dir) return 0;
    const text = await readFile(join(dir, file), "utf8").catch(() => "");
    const line = text.split("\n").find((candidate) => candidate.startsWith(`${key} `));
    return line ? Number(line.slice(key.length + 1)) : Number.NaN;
  };

  return {
    controllers: [...dirs.keys()],
    procsFiles: [...dirs.values()].map((dir) => join(dir, "cgroup.procs")),
    async isOutOfMemory() {
      const kills = await readCounter("memory", "memory.oom_control", "oom_kill");
      if (!Number.isNaN(kills)) return kills > 0;
      // Kernels before 4.13 have no oom_kill counter: having hit the limit is the best sign left.
      const dir = dirs.get("memory");
      const failures = dir ? await readFile(join(dir, "memory.failcnt"), "utf8").catch(() => "0") : "0";
      return Number(failures) > 0;
    },
    async hasHitPidsLimit() {
      return (await readCounter("pids", "pids.events", "max")) > 0;
    },
    async killAll(deadlineMs = 5_000) {
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        const pids = await readProcs();
        if (pids.size === 0) return true;
        if (Date.now() > deadline) return false;
        for (const pid of pids) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // Already gone.
          }
        }
        await sleep(20);
      }
    },
    async remove() {
      for (const dir of dirs.values()) {
        // A killed process leaves its cgroup a moment after it is reaped.
        for (let attempt = 0; attempt < 50; attempt++) {
          try {
            await rmdir(dir);
            break;
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === "ENOENT") break;
            await sleep(20);
          }
        }
      }
    },
  };
}

async function exists(path: string) {
  return access(path).then(
    () => true,
    () => false,
  );
}

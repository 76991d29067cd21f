import { readFile } from "node:fs/promises";
import { processTree } from "./sandbox-process.ts";

export type ProcessUsage = {
  /** User + system CPU time of every live process of the tree (and children they reaped), in ms. */
  cpuMs: number;
  /** Resident memory of every process of the tree. */
  memoryBytes: number;
};

const ticksPerSecond = 100;
const pageBytes = 4096;

/** What a process tree uses now, read from /proc (works with and without cgroups). */
export async function processTreeUsage(root: number): Promise<ProcessUsage> {
  let ticks = 0;
  let pages = 0;
  for (const { pid } of await processTree(root)) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    const close = stat.lastIndexOf(")");
    if (close < 0) continue;
    // Fields after the name, from field 3 (state): utime is 14, stime 15, cutime 16, cstime 17, rss 24.
    const fields = stat.slice(close + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    pages += Number(fields[21]);
  }
  return { cpuMs: Math.round((ticks * 1000) / ticksPerSecond), memoryBytes: pages * pageBytes };
}

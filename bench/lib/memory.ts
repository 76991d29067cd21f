import { readdirSync, readFileSync } from "node:fs";
import { memoryMiB } from "./proc.ts";

/**
 * Proportional set size of a process in KiB (its private pages, plus its share of pages it
 * maps with others: the node binary's text is shared by every node process on the machine),
 * from /proc/<pid>/smaps_rollup; its RSS when the kernel has no smaps_rollup. 0 once it is gone.
 */
export function memoryKiB(pid: number): { pss: number; rss: number } {
  try {
    const rss = memoryMiB(pid, "VmRSS") * 1024;
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    return { pss: Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? rss), rss };
  } catch {
    // Gone, or no smaps_rollup (kernels before 4.14): RSS for both.
    try {
      const rss = memoryMiB(pid, "VmRSS") * 1024;
      return { pss: rss, rss };
    } catch {
      return { pss: 0, rss: 0 };
    }
  }
}

/** Who is whose parent, from every /proc/<pid>/stat, read once. */
export type ProcessTable = { parentOf: Map<number, number>; childrenOf: Map<number, number[]> };

export function readProcessTable(): ProcessTable {
  const parentOf = new Map<number, number>();
  const childrenOf = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parentOf.set(Number(entry), parent);
      childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), Number(entry)]);
    } catch {}
  }
  return { parentOf, childrenOf };
}

/** The ancestor of `pid` (or itself) whose parent is `root`: for a function instance, its sandbox's outermost process. */
export function childOf(root: number, pid: number, table: ProcessTable): number | null {
  let current = pid;
  for (let parent = table.parentOf.get(current); parent !== undefined; parent = table.parentOf.get(current)) {
    if (parent === root) return current;
    if (parent <= 1) return null;
    current = parent;
  }
  return null;
}

/** `root` and all its descendants. */
export function subtree(root: number, table: ProcessTable): number[] {
  const found = [root];
  for (let i = 0; i < found.length; i++) found.push(...(table.childrenOf.get(found[i] ?? 0) ?? []));
  return found;
}

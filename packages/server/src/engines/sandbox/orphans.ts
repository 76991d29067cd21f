import { readdir } from "node:fs/promises";

/**
 * Workspaces and cgroups are named `<pid>-…` after the platform process that made them, so
 * that what a crashed process left behind can be told from what a live one is using.
 */
export const ownedName = (rest: string) => `${process.pid}-${rest}`;

/** Names in `dir` whose owning process is gone. */
export async function findOrphans(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    return pid > 0 && !isAlive(pid);
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, someone else's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

import { readdirSync, readFileSync } from "node:fs";

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; 0 once it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of every PostgreSQL process on the machine (server and backends). */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").startsWith("postgres")) total += processCpuSeconds(Number(entry));
    } catch {}
  }
  return total;
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
function machineJiffies(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/** CPU use during a run, in cores (1 = one core fully busy). `other` is everything else on the machine. */
export type CpuShare = { server: number; postgres: number; loadGenerator: number; other: number; idle: number };

/** Starts counting; call the returned function at the end of the run. */
export function cpuMeter(serverPid: number): () => CpuShare {
  const t0 = performance.now();
  const server0 = processCpuSeconds(serverPid);
  const postgres0 = postgresCpuSeconds();
  const self0 = process.cpuUsage();
  const machine0 = machineJiffies();
  return () => {
    const seconds = (performance.now() - t0) / 1000;
    const self = process.cpuUsage(self0);
    const machine = machineJiffies();
    const cores = (machine.total - machine0.total) / 100 / seconds;
    const busy = ((machine.busy - machine0.busy) / (machine.total - machine0.total)) * cores;
    const server = (processCpuSeconds(serverPid) - server0) / seconds;
    const postgres = (postgresCpuSeconds() - postgres0) / seconds;
    const loadGenerator = (self.user + self.system) / 1e6 / seconds;
    const round = (n: number) => Math.round(Math.max(0, n) * 100) / 100;
    return {
      server: round(server),
      postgres: round(postgres),
      loadGenerator: round(loadGenerator),
      other: round(busy - server - postgres - loadGenerator),
      idle: round(cores - busy),
    };
  };
}

/** Busy and total jiffies of each CPU, from the cpuN lines of /proc/stat. */
function perCpuJiffies(): { busy: number; total: number }[] {
  return readFileSync("/proc/stat", "utf8")
    .split("\n")
    .filter((line) => /^cpu\d+ /.test(line))
    .map((line) => {
      const values = line.trim().split(/\s+/).slice(1).map(Number);
      const total = values.reduce((a, b) => a + b, 0);
      return { busy: total - (values[3] ?? 0) - (values[4] ?? 0), total };
    });
}

/**
 * Starts counting how busy each CPU is, whoever keeps it busy; the returned function gives the
 * busy fraction of each (0–1) since then. Tells a saturated core from one shared with other work.
 */
export function perCpuMeter(): () => number[] {
  const before = perCpuJiffies();
  return () =>
    perCpuJiffies().map((now, i) => {
      const then = before[i] ?? { busy: 0, total: 0 };
      const total = now.total - then.total;
      return total > 0 ? Math.round(((now.busy - then.busy) / total) * 100) / 100 : 0;
    });
}

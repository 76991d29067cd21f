import autocannon from "autocannon";
import { settings } from "./settings.ts";

export const connections = 64;

export type LoadResult = { rps: number; p50: number; p99: number; requests: number; non2xx: number; errors: number };

/** How the load is generated, for the output. */
export function loadgenDescription(): string {
  const where =
    settings.loadgenWorkers > 0
      ? `${settings.loadgenWorkers} autocannon worker thread(s) in the bench process`
      : "autocannon on the bench process's main thread";
  // Measured on 2 cores: a bare Fastify sharing its process with autocannon made about half the
  // req/s it makes in a child process; autocannon worker threads only added contention.
  return `${connections} connections on loopback, ${settings.seconds} s measured after ${settings.warmupSeconds} s warm-up; ${where}; the server under test in its own child process, so the two do not share an event loop`;
}

/** A warm-up (JIT, pools, caches), then the measured run. */
export async function measureLoad(url: string, headers: Record<string, string>): Promise<LoadResult> {
  const base = {
    url,
    connections,
    headers,
    ...(settings.loadgenWorkers > 0 ? { workers: settings.loadgenWorkers } : {}),
  };
  if (settings.warmupSeconds > 0) await autocannon({ ...base, duration: settings.warmupSeconds });
  const r = await autocannon({ ...base, duration: settings.seconds });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

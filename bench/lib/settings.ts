function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return n;
}

/** Every knob, from the environment. */
export const settings = {
  /** Measured seconds per load run (each target, each store). */
  seconds: envNumber("BENCH_SECONDS", 10),
  warmupSeconds: envNumber("BENCH_WARMUP_SECONDS", 2),
  /** 0: autocannon on the bench process's main thread; n: autocannon worker threads. */
  loadgenWorkers: envNumber("BENCH_LOADGEN_WORKERS", 0),
  /** Tokens in the team whose list is fetched. */
  tokens: envNumber("BENCH_TOKENS", 20),
  /** Stores the load benchmark runs on. */
  stores: (process.env.BENCH_STORES ?? "pglite,postgres").split(",").map((s) => s.trim()),
  /** Cold and warm starts measured; the median is reported. */
  startRuns: envNumber("BENCH_START_RUNS", 3),
  /** The store of the platform the function benchmarks start: pglite or postgres. */
  functionStore: process.env.BENCH_FUNCTION_STORE === "postgres" ? ("postgres" as const) : ("pglite" as const),
  postgresUrl: process.env.SLIPWAY_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
};

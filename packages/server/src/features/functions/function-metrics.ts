import type { FunctionMetrics } from "@slipway/contracts";
import { sql } from "drizzle-orm";
import type { Executor } from "../../platform/db.ts";

const ranges = {
  "24h": { bucketSeconds: 3600, buckets: 24 },
  "7d": { bucketSeconds: 6 * 3600, buckets: 28 },
} as const;

type Row = {
  start: Date | string | null;
  invocations: number | string;
  errors: number | string;
  cold_starts: number | string;
  p50: number | string | null;
  p95: number | string | null;
  max_memory: number | string | null;
};

const numberOrNull = (value: number | string | null) => (value === null ? null : Number(value));

/**
 * A function's invocations over 24 hours (hourly) or 7 days (6-hourly): every bucket, empty ones
 * included, and the summary over the whole range, in one query (grouping sets) that PGlite and
 * PostgreSQL both answer.
 */
export async function functionMetrics(
  functionId: string,
  range: FunctionMetrics["range"],
  db: Executor,
): Promise<FunctionMetrics> {
  const { bucketSeconds, buckets } = ranges[range];
  // Constants of this file, inlined: a bound parameter would leave `$1 * interval` untyped.
  const seconds = sql.raw(String(bucketSeconds));
  const result = await db.execute(sql`
    with buckets as (
      select to_timestamp(floor(extract(epoch from now()) / ${seconds}) * ${seconds})
        - (n * ${seconds}) * interval '1 second' as start
      from generate_series(0, ${sql.raw(String(buckets - 1))}) as n
    )
    select b.start as start,
      count(i.id)::int as invocations,
      (count(i.id) filter (where i.status in ('failed', 'dead')))::int as errors,
      (count(i.id) filter (where i.is_cold_start))::int as cold_starts,
      percentile_cont(0.5) within group (order by i.duration_ms) as p50,
      percentile_cont(0.95) within group (order by i.duration_ms) as p95,
      max(i.memory_bytes) as max_memory
    from buckets b
    left join function_invocations i
      on i.function_id = ${functionId}
      and i.created_at >= b.start
      and i.created_at < b.start + ${seconds} * interval '1 second'
    group by grouping sets ((b.start), ())
    order by b.start nulls first`);
  // Both drivers answer with { rows }; the shared PgDatabase type does not say so.
  const rows = (result as unknown as { rows: Row[] }).rows;
  const toFigures = (row: Row | undefined) => ({
    invocations: Number(row?.invocations ?? 0),
    errors: Number(row?.errors ?? 0),
    coldStarts: Number(row?.cold_starts ?? 0),
    p50Ms: numberOrNull(row?.p50 ?? null),
    p95Ms: numberOrNull(row?.p95 ?? null),
    maxMemoryBytes: numberOrNull(row?.max_memory ?? null),
  });
  const total = toFigures(rows.find((row) => row.start === null));
  return {
    range,
    summary: {
      invocations: total.invocations,
      errors: total.errors,
      errorRate: total.invocations > 0 ? total.errors / total.invocations : null,
      coldStarts: total.coldStarts,
      coldStartRate: total.invocations > 0 ? total.coldStarts / total.invocations : null,
      p50Ms: total.p50Ms,
      p95Ms: total.p95Ms,
      maxMemoryBytes: total.maxMemoryBytes,
    },
    buckets: rows
      .filter((row) => row.start !== null)
      .map((row) => ({ start: new Date(row.start as string).toISOString(), ...toFigures(row) })),
  };
}

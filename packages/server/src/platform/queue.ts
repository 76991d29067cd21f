import { and, eq, inArray, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Db, Executor } from "./db.ts";
import { newId } from "./ids.ts";
import type { Logger } from "./logger.ts";
import { jobs } from "./platform.tables.ts";

/** A job type: a namespaced name, its payload schema, and how hard to try. */
export type JobDefinition<S extends z.ZodTypeAny> = {
  name: string;
  payload: S;
  handler: (payload: z.infer<S>, job: { id: string; attempt: number }) => Promise<unknown>;
  /** How long one attempt may run before it counts as failed. */
  timeoutMs?: number;
  maxAttempts?: number;
  /** Delay before retry n (1-based). Defaults to exponential from 1s, capped at 5 min. */
  backoffMs?: (attempt: number) => number;
};

/** Thrown by a handler that cannot run yet (a concurrency slot is taken): the job returns to the queue. */
export class DeferJob extends Error {
  readonly delayMs: number;
  constructor(reason: string, delayMs: number) {
    super(reason);
    this.name = "DeferJob";
    this.delayMs = delayMs;
  }
}

export type EnqueueOptions = { runAt?: Date; dedupeKey?: string; maxAttempts?: number };

const defaultBackoff = (attempt: number) => Math.min(1000 * 2 ** (attempt - 1), 300_000);

export type Queue = ReturnType<typeof createQueue>;

type ClaimedJob = { id: string; name: string; payload: unknown; attempts: number; maxAttempts: number };

const stoppedWorkerError = "the worker running this job stopped before it finished";

/**
 * A durable queue on the store's own tables, the same on PGlite and PostgreSQL. Workers
 * claim with FOR UPDATE SKIP LOCKED, hold a lease they renew while they run, and a job whose
 * lease ran out (its worker died) goes back to the queue or, out of attempts, fails with the reason.
 */
export function createQueue(deps: {
  db: Db;
  logger: Logger;
  workerId?: string;
  pollMs?: number;
  concurrency?: number;
  /**
   * How long a claim lasts without renewal. A running attempt renews it every third of this,
   * so a job counts as lost this long after its worker died, however long its timeout is.
   */
  leaseMs?: number;
}) {
  const workerId = deps.workerId ?? newId("wrk");
  const pollMs = deps.pollMs ?? 500;
  const concurrency = deps.concurrency ?? 4;
  const leaseMs = deps.leaseMs ?? 30_000;
  // biome-ignore lint/suspicious/noExplicitAny: the registry holds definitions of every payload type.
  const definitions = new Map<string, JobDefinition<any>>();
  let running = 0;
  let timer: NodeJS.Timeout | null = null;
  let isStopping = false;
  let wake: (() => void) | null = null;
  const inFlight = new Set<Promise<void>>();

  function define<S extends z.ZodTypeAny>(definition: JobDefinition<S>): JobDefinition<S> {
    if (definitions.has(definition.name)) throw new Error(`job ${definition.name} is defined twice`);
    definitions.set(definition.name, definition);
    return definition;
  }

  async function enqueue<S extends z.ZodTypeAny>(
    db: Executor,
    definition: JobDefinition<S>,
    payload: z.infer<S>,
    options: EnqueueOptions = {},
  ): Promise<string | null> {
    const parsed = definition.payload.parse(payload);
    const id = newId("job");
    const rows = await db
      .insert(jobs)
      .values({
        id,
        name: definition.name,
        payload: parsed,
        runAt: options.runAt ?? new Date(),
        dedupeKey: options.dedupeKey ?? null,
        maxAttempts: options.maxAttempts ?? definition.maxAttempts ?? 3,
      })
      .onConflictDoNothing()
      .returning({ id: jobs.id });
    wake?.();
    // Inside a transaction the row is not visible until commit: look again shortly after.
    // Callers that know when they committed call wake() themselves.
    if (db !== deps.db) setTimeout(() => wake?.(), 20).unref();
    return rows[0]?.id ?? null;
  }

  /** Jobs whose lease ran out: their worker is gone. Retry them or fail them with the reason. */
  async function reclaimExpired(options: { all?: boolean } = {}): Promise<number> {
    // One statement, on the database's clock: a job another worker claimed again in the
    // meantime has a fresh lease and is left alone.
    const isSpent = sql`${jobs.attempts} >= ${jobs.maxAttempts}`;
    const lost = await deps.db
      .update(jobs)
      .set({
        status: sql`case when ${isSpent} then 'failed' else 'queued' end`,
        lockedBy: null,
        lockedUntil: null,
        lastError: stoppedWorkerError,
        finishedAt: sql`case when ${isSpent} then now() end`,
        runAt: sql`now()`,
      })
      .where(
        options.all ? eq(jobs.status, "running") : and(eq(jobs.status, "running"), sql`${jobs.lockedUntil} < now()`),
      )
      .returning({ id: jobs.id });
    if (lost.length > 0) deps.logger.warn({ count: lost.length }, "reclaimed jobs from a stopped worker");
    return lost.length;
  }

  /** Only the worker holding a job's lease may renew it or settle the job. */
  const isHeldHere = (id: string) => and(eq(jobs.id, id), eq(jobs.status, "running"), eq(jobs.lockedBy, workerId));

  async function claim(limit: number) {
    const names = [...definitions.keys()];
    if (names.length === 0 || limit <= 0) return [];
    const result = await deps.db.execute(sql`
      update ${jobs} set status = 'running', attempts = attempts + 1, locked_by = ${workerId},
        locked_until = now() + ${leaseMs}::integer * interval '1 millisecond'
      where id in (
        select id from ${jobs}
        where status = 'queued' and run_at <= now() and name in ${names}
        order by run_at, created_at
        limit ${limit}
        for update skip locked
      )
      returning id, name, payload, attempts, max_attempts as "maxAttempts"`);
    // Both drivers answer with { rows }; the shared PgDatabase type does not say so.
    return (result as unknown as { rows: ClaimedJob[] }).rows;
  }

  async function renewLease(id: string): Promise<void> {
    const renewed = await deps.db
      .update(jobs)
      .set({ lockedUntil: sql`now() + ${leaseMs}::integer * interval '1 millisecond'` })
      .where(isHeldHere(id))
      .returning({ id: jobs.id });
    if (renewed.length === 0) deps.logger.warn({ id }, "lost the lease on a running job");
  }

  async function runOne(row: ClaimedJob) {
    const definition = definitions.get(row.name);
    if (!definition) return;
    const timeoutMs = definition.timeoutMs ?? 5 * 60_000;
    let renewal: Promise<void> = Promise.resolve();
    const heartbeat = setInterval(() => {
      renewal = renewLease(row.id).catch((error) =>
        deps.logger.error({ err: error, id: row.id }, "lease renewal failed"),
      );
    }, leaseMs / 3);
    // A renewal still in flight must not land after the job is settled.
    const stopRenewing = () => {
      clearInterval(heartbeat);
      return renewal;
    };
    try {
      const payload = definition.payload.parse(row.payload);
      const result = await withTimeout(definition.handler(payload, { id: row.id, attempt: row.attempts }), timeoutMs);
      await stopRenewing();
      await deps.db
        .update(jobs)
        .set({ status: "succeeded", result: result ?? null, finishedAt: new Date(), lockedBy: null, lockedUntil: null })
        .where(isHeldHere(row.id));
    } catch (error) {
      await stopRenewing();
      if (error instanceof DeferJob) {
        // Not a failure: the attempt is given back and the job waits its turn.
        await deps.db
          .update(jobs)
          .set({
            status: "queued",
            attempts: row.attempts - 1,
            lockedBy: null,
            lockedUntil: null,
            runAt: new Date(Date.now() + error.delayMs),
          })
          .where(isHeldHere(row.id));
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      const isSpent = row.attempts >= row.maxAttempts;
      const backoff = (definition.backoffMs ?? defaultBackoff)(row.attempts);
      deps.logger.warn({ job: row.name, id: row.id, attempt: row.attempts, err: message }, "job attempt failed");
      await deps.db
        .update(jobs)
        .set({
          status: isSpent ? "failed" : "queued",
          lastError: message,
          lockedBy: null,
          lockedUntil: null,
          runAt: new Date(Date.now() + backoff),
          finishedAt: isSpent ? new Date() : null,
        })
        .where(isHeldHere(row.id));
    }
  }

  async function tick(): Promise<void> {
    if (isStopping) return;
    const rows = await claim(concurrency - running);
    for (const row of rows) {
      running++;
      const p = runOne(row)
        .catch((error) => deps.logger.error({ err: error, job: row.name, id: row.id }, "job bookkeeping failed"))
        .finally(() => {
          running--;
          inFlight.delete(p);
          wake?.();
        });
      inFlight.add(p);
    }
  }

  async function loop(): Promise<void> {
    let sinceReclaim = 0;
    while (!isStopping) {
      try {
        await tick();
        sinceReclaim += pollMs;
        if (sinceReclaim >= Math.min(10_000, leaseMs)) {
          sinceReclaim = 0;
          await reclaimExpired();
        }
      } catch (error) {
        deps.logger.error({ err: error }, "queue poll failed");
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, pollMs);
      });
      wake = null;
      if (timer) clearTimeout(timer);
    }
  }

  let loopPromise: Promise<void> | null = null;

  return {
    workerId,
    define,
    enqueue,
    reclaimExpired,
    /** Runs whatever is due now and waits for it; for tests and the CLI. */
    async drain(): Promise<void> {
      for (;;) {
        await tick();
        if (inFlight.size === 0) return;
        await Promise.all([...inFlight]);
      }
    },
    start(): void {
      if (!loopPromise) loopPromise = loop();
    },
    /** Look for due jobs now (after committing a transaction that enqueued some). */
    wake(): void {
      wake?.();
    },
    /** Stops claiming, waits for the jobs in hand to finish. */
    async stop(): Promise<void> {
      isStopping = true;
      wake?.();
      await loopPromise;
      await Promise.all([...inFlight]);
    },
    async get(id: string) {
      return (await deps.db.select().from(jobs).where(eq(jobs.id, id)))[0] ?? null;
    },
    async list(ids: string[]) {
      return ids.length ? deps.db.select().from(jobs).where(inArray(jobs.id, ids)) : [];
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

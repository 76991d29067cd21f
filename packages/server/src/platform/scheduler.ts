import { Cron } from "croner";
import { and, eq, lte, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Db, Executor } from "./db.ts";
import { badRequest } from "./errors.ts";
import type { Logger } from "./logger.ts";
import { cronSchedules } from "./platform.tables.ts";
import type { JobDefinition, Queue } from "./queue.ts";

export type Scheduler = ReturnType<typeof createScheduler>;

/** The zone's canonical IANA name ("europe/paris" → "Europe/Paris"). Throws bad_request on an unknown zone. */
export function canonicalTimezone(timezone: string): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    throw badRequest(`unknown time zone "${timezone}": give an IANA zone such as "Europe/Paris" or "UTC"`, {
      field: "timezone",
    });
  }
}

/**
 * The next time a cron expression, read in `timezone`, fires after `from`. Throws bad_request
 * on a bad expression or zone.
 */
export function nextCronRun(expression: string, from = new Date(), timezone = "UTC"): Date {
  const zone = canonicalTimezone(timezone);
  let cron: Cron;
  try {
    cron = new Cron(expression, { timezone: zone, paused: true });
  } catch (error) {
    // croner's message names neither the expression nor which of our inputs was wrong.
    const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, "") : String(error);
    throw badRequest(`invalid cron expression "${expression}": ${reason}`, { field: "expression" });
  }
  const next = cron.nextRun(from);
  if (!next) throw badRequest(`cron expression "${expression}" never fires`, { field: "expression" });
  return next;
}

export type ScheduleOptions = {
  /** IANA zone the expression is read in; UTC when left out. */
  timezone?: string;
  /** The transaction to write the schedule in, so it exists exactly when the caller's change does. */
  db?: Executor;
};

/**
 * Cron on the store: each schedule's next run time is a row. Whichever node locks a due row
 * first enqueues its job, with a dedupe key for that slot, and moves the row to the next run;
 * the others skip it. A slot missed while everything was down runs once, not once per slot.
 */
export function createScheduler(deps: { db: Db; queue: Queue; logger: Logger; tickMs?: number }) {
  // biome-ignore lint/suspicious/noExplicitAny: schedules point at jobs of any payload type.
  const jobsByName = new Map<string, JobDefinition<any>>();
  let timer: NodeJS.Timeout | null = null;

  async function schedule<S extends z.ZodTypeAny>(
    name: string,
    expression: string,
    job: JobDefinition<S>,
    payload: z.infer<S>,
    options: ScheduleOptions = {},
  ): Promise<void> {
    const timezone = canonicalTimezone(options.timezone ?? "UTC");
    const nextRunAt = nextCronRun(expression, new Date(), timezone);
    jobsByName.set(job.name, job);
    await (options.db ?? deps.db)
      .insert(cronSchedules)
      .values({ name, expression, timezone, jobName: job.name, payload, nextRunAt })
      .onConflictDoUpdate({
        target: cronSchedules.name,
        // Keep the pending slot unless the expression or its zone changed.
        set: {
          jobName: job.name,
          payload,
          nextRunAt: sql`case when ${cronSchedules.expression} = ${expression} and ${cronSchedules.timezone} = ${timezone} then ${cronSchedules.nextRunAt} else ${nextRunAt} end`,
          expression,
          timezone,
        },
      });
  }

  async function unschedule(name: string, db: Executor = deps.db): Promise<void> {
    await db.delete(cronSchedules).where(eq(cronSchedules.name, name));
  }

  async function tick(now = new Date()): Promise<number> {
    let fired = 0;
    await deps.db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(cronSchedules)
        .where(lte(cronSchedules.nextRunAt, now))
        .for("update", { skipLocked: true });
      for (const row of due) {
        const job = jobsByName.get(row.jobName);
        if (!job) continue;
        await deps.queue.enqueue(tx, job, row.payload, {
          dedupeKey: `cron:${row.name}:${row.nextRunAt.toISOString()}`,
        });
        await tx
          .update(cronSchedules)
          .set({ lastRunAt: row.nextRunAt, nextRunAt: nextCronRun(row.expression, now, row.timezone) })
          .where(and(eq(cronSchedules.name, row.name), eq(cronSchedules.nextRunAt, row.nextRunAt)));
        fired++;
      }
    });
    return fired;
  }

  return {
    schedule,
    unschedule,
    /**
     * Makes a job known to this node's ticks before it schedules anything itself: schedules
     * that another node or an earlier run of this one made point at it by name.
     */
    register<S extends z.ZodTypeAny>(job: JobDefinition<S>): void {
      jobsByName.set(job.name, job);
    },
    tick,
    list: () => deps.db.select().from(cronSchedules),
    start(): void {
      const tickMs = deps.tickMs ?? 1000;
      timer = setInterval(() => {
        tick().catch((error) => deps.logger.error({ err: error }, "scheduler tick failed"));
      }, tickMs);
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

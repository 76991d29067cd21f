import { type CreateTriggerInput, type FunctionTrigger, platformEventTypes } from "@slipway/contracts";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Executor } from "../../platform/db.ts";
import { conflict, notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Outbox, StoredEvent } from "../../platform/outbox.ts";
import type { JobDefinition, Queue } from "../../platform/queue.ts";
import { canonicalTimezone, nextCronRun, type Scheduler } from "../../platform/scheduler.ts";
import { type EnqueueAsync, type EnqueueAsyncInput, jsonInvocationRequest } from "./function-async.ts";
import { auditFunction, type Scope } from "./functions.service.ts";
import { functionInvocations, functionTriggers } from "./functions.tables.ts";

/**
 * Cron and event triggers: each enabled cron trigger owns one schedule (`function-trigger:<id>`)
 * written in the same transaction as its row; each platform event fans out to the enabled
 * triggers on its type in its team. Both queue an async invocation with a dedupe key, so a slot
 * or an event delivered twice invokes once.
 */

export const cronFireJobName = "functions.cron-fire";
const cronFirePayload = z.object({ triggerId: z.string() });
export type CronFireJob = JobDefinition<typeof cronFirePayload>;

/** A function has at most this many triggers: each one is a schedule row or a fan-out target. */
const maxTriggersPerFunction = 20;
const schedulePrefix = "function-trigger:";
const scheduleName = (triggerId: string) => `${schedulePrefix}${triggerId}`;
const isPlatformEvent = (type: string) => (platformEventTypes as readonly string[]).includes(type);

type TriggerRow = typeof functionTriggers.$inferSelect;
/** The function is already resolved in the caller's team (a 404 otherwise). */
type TriggerScope = Scope & { functionId: string };

/** What the trigger use cases need: the store, the scheduler and the job a schedule fires. */
export type FunctionTriggersDeps = { db: Db; scheduler: Scheduler; cronFireJob: CronFireJob };

export function toFunctionTrigger(row: TriggerRow, now = new Date()): FunctionTrigger {
  const isScheduled = row.kind === "cron" && row.isEnabled && row.schedule !== null;
  return {
    id: row.id,
    functionId: row.functionId,
    kind: row.kind as FunctionTrigger["kind"],
    schedule: row.schedule,
    timezone: row.timezone,
    event: row.event as FunctionTrigger["event"],
    isEnabled: row.isEnabled,
    lastFiredAt: row.lastFiredAt?.toISOString() ?? null,
    nextRunAt: isScheduled ? nextCronRun(row.schedule as string, now, row.timezone ?? "UTC").toISOString() : null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listFunctionTriggers(functionId: string, db: Executor): Promise<FunctionTrigger[]> {
  const rows = await db
    .select()
    .from(functionTriggers)
    .where(eq(functionTriggers.functionId, functionId))
    .orderBy(asc(functionTriggers.createdAt), asc(functionTriggers.id));
  const now = new Date();
  return rows.map((row) => toFunctionTrigger(row, now));
}

/** Writes (or removes) the trigger's schedule in the caller's transaction, as its row now says. */
async function syncSchedule(tx: Executor, row: TriggerRow, deps: FunctionTriggersDeps) {
  if (row.kind !== "cron" || !row.schedule) return;
  if (!row.isEnabled) return deps.scheduler.unschedule(scheduleName(row.id), tx);
  await deps.scheduler.schedule(
    scheduleName(row.id),
    row.schedule,
    deps.cronFireJob,
    { triggerId: row.id },
    { timezone: row.timezone ?? "UTC", db: tx },
  );
}

function audit(tx: Executor, scope: TriggerScope, action: string, row: TriggerRow) {
  return auditFunction(tx, scope, action, row.functionId, {
    triggerId: row.id,
    kind: row.kind,
    schedule: row.schedule,
    event: row.event,
    isEnabled: row.isEnabled,
  });
}

async function loadTrigger(tx: Executor, scope: TriggerScope, triggerId: string): Promise<TriggerRow> {
  const [row] = await tx
    .select()
    .from(functionTriggers)
    .where(and(eq(functionTriggers.id, triggerId), eq(functionTriggers.functionId, scope.functionId)));
  if (!row) throw notFound("trigger");
  return row;
}

export async function createFunctionTrigger(
  scope: TriggerScope & { input: CreateTriggerInput },
  deps: FunctionTriggersDeps,
): Promise<FunctionTrigger> {
  const { input } = scope;
  // Validated before anything is written: a bad expression or zone is the user's 400, with croner's reason.
  const timezone = input.kind === "cron" ? canonicalTimezone(input.timezone) : null;
  if (input.kind === "cron") nextCronRun(input.schedule, new Date(), timezone ?? "UTC");
  return deps.db.transaction(async (tx) => {
    const siblings = await tx.select().from(functionTriggers).where(eq(functionTriggers.functionId, scope.functionId));
    if (siblings.length >= maxTriggersPerFunction)
      throw conflict(`a function has at most ${maxTriggersPerFunction} triggers`);
    if (input.kind === "event" && siblings.some((s) => s.kind === "event" && s.event === input.event))
      throw conflict(`the function already has a trigger on ${input.event}`, { field: "event" });
    const [row] = await tx
      .insert(functionTriggers)
      .values({
        id: newId("trg"),
        teamId: scope.access.teamId,
        functionId: scope.functionId,
        kind: input.kind,
        schedule: input.kind === "cron" ? input.schedule : null,
        timezone,
        event: input.kind === "event" ? input.event : null,
      })
      .returning();
    if (!row) throw new Error("trigger insert returned nothing");
    await syncSchedule(tx, row, deps);
    await audit(tx, scope, "function.trigger.create", row);
    return toFunctionTrigger(row);
  });
}

export async function setFunctionTriggerEnabled(
  scope: TriggerScope & { triggerId: string; isEnabled: boolean },
  deps: FunctionTriggersDeps,
): Promise<FunctionTrigger> {
  return deps.db.transaction(async (tx) => {
    const current = await loadTrigger(tx, scope, scope.triggerId);
    const [row] = await tx
      .update(functionTriggers)
      .set({ isEnabled: scope.isEnabled })
      .where(eq(functionTriggers.id, current.id))
      .returning();
    if (!row) throw notFound("trigger");
    await syncSchedule(tx, row, deps);
    await audit(tx, scope, "function.trigger.update", row);
    return toFunctionTrigger(row);
  });
}

export async function deleteFunctionTrigger(
  scope: TriggerScope & { triggerId: string },
  deps: FunctionTriggersDeps,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const row = await loadTrigger(tx, scope, scope.triggerId);
    await tx.delete(functionTriggers).where(eq(functionTriggers.id, row.id));
    await deps.scheduler.unschedule(scheduleName(row.id), tx);
    await audit(tx, scope, "function.trigger.delete", row);
  });
}

type TriggerEngineDeps = {
  db: Db;
  queue: Queue;
  scheduler: Scheduler;
  outbox: Outbox;
  logger: Logger;
  enqueueAsync: EnqueueAsync;
};

/** One slot of a cron trigger: the job the scheduler queued for it, so its retries dedupe to one invocation. */
async function fireCronTrigger(triggerId: string, jobId: string, deps: TriggerEngineDeps) {
  await deps.db.transaction(async (tx) => {
    const [row] = await tx.select().from(functionTriggers).where(eq(functionTriggers.id, triggerId));
    // Gone with its function (FK cascade) or turned off since the slot was queued: the schedule is stale.
    if (!row?.isEnabled || row.kind !== "cron") return deps.scheduler.unschedule(scheduleName(triggerId), tx);
    const firedAt = new Date();
    const body = {
      trigger: "cron",
      schedule: row.schedule,
      timezone: row.timezone,
      firedAt: firedAt.toISOString(),
      triggerId: row.id,
    };
    await deps.enqueueAsync(tx, {
      teamId: row.teamId,
      functionId: row.functionId,
      trigger: "cron",
      request: jsonInvocationRequest(body),
      dedupeKey: `cron:${row.id}:${jobId}`,
    });
    await tx.update(functionTriggers).set({ lastFiredAt: firedAt }).where(eq(functionTriggers.id, row.id));
  });
}

/** Every enabled trigger on the event's type in its team, except a function's own events (no loops). */
async function fireEventTriggers(event: StoredEvent, deps: TriggerEngineDeps) {
  if (!event.teamId) return;
  const rows = await deps.db
    .select()
    .from(functionTriggers)
    .where(
      and(
        eq(functionTriggers.teamId, event.teamId),
        eq(functionTriggers.kind, "event"),
        eq(functionTriggers.event, event.type),
        eq(functionTriggers.isEnabled, true),
      ),
    );
  const targets = rows.filter((row) => row.functionId !== event.payload.functionId);
  if (targets.length === 0) return;
  const body = {
    trigger: "event",
    event: { id: event.id, type: event.type, payload: event.payload, createdAt: event.createdAt.toISOString() },
  };
  // One transaction: a delivery that fails halfway is retried whole, never half-invoked.
  await deps.db.transaction(async (tx) => {
    for (const row of targets) {
      await deps.enqueueAsync(tx, {
        teamId: row.teamId,
        functionId: row.functionId,
        trigger: "event",
        request: jsonInvocationRequest(body),
        dedupeKey: `event:${event.id}:${row.id}`,
      });
      await tx.update(functionTriggers).set({ lastFiredAt: new Date() }).where(eq(functionTriggers.id, row.id));
    }
  });
}

/** Schedules whose trigger went with its function or project (FK cascade), removed when that happens. */
async function removeOrphanSchedules(deps: TriggerEngineDeps) {
  const names = (await deps.scheduler.list()).map((s) => s.name).filter((name) => name.startsWith(schedulePrefix));
  if (names.length === 0) return;
  const ids = names.map((name) => name.slice(schedulePrefix.length));
  const live = await deps.db
    .select({ id: functionTriggers.id })
    .from(functionTriggers)
    .where(inArray(functionTriggers.id, ids));
  const liveIds = new Set(live.map((row) => row.id));
  for (const id of ids) if (!liveIds.has(id)) await deps.scheduler.unschedule(scheduleName(id));
}

/**
 * Defines the cron-fire job (known to the scheduler before any schedule of this run points at
 * it) and subscribes to the outbox for event triggers and for cleaning up after deletions.
 */
export function startFunctionTriggers(deps: TriggerEngineDeps): { cronFireJob: CronFireJob } {
  const cronFireJob = deps.queue.define({
    name: cronFireJobName,
    payload: cronFirePayload,
    maxAttempts: 3,
    timeoutMs: 30_000,
    handler: ({ triggerId }, job) => fireCronTrigger(triggerId, job.id, deps),
  });
  deps.scheduler.register(cronFireJob);
  deps.outbox.subscribe("function-event-triggers", (event) => fireEventTriggers(event, deps), isPlatformEvent);
  deps.outbox.subscribe(
    "function-trigger-cleanup",
    () => removeOrphanSchedules(deps),
    (type) => type === "function.deleted" || type === "project.deleted",
  );
  return { cronFireJob };
}

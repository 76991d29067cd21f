import type { FunctionSettings, InvocationDetail, InvocationTrigger } from "@slipway/contracts";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db, Executor } from "../../platform/db.ts";
import { conflict } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Outbox } from "../../platform/outbox.ts";
import { DeferJob, type Queue } from "../../platform/queue.ts";
import type { FunctionGateway, GatewayRequest, RunFields } from "./function-gateway.ts";
import { loadInvocation, textOf, toInvocationDetail } from "./function-invocations.ts";
import { auditFunction, loadFunctionRow, type Scope } from "./functions.service.ts";
import { functionInvocations } from "./functions.tables.ts";
import type { InvocationRecorder } from "./invocation-recorder.ts";

/**
 * Async invocations: a row (status queued, the request kept) and a queue job written in one
 * transaction; the worker runs it through the gateway, retries a failure after
 * retryDelaySeconds × 2^(n-1) up to `retries` times, and drops it to the dead letters when out of
 * retries or older than maxEventAgeSeconds. A rate-limited attempt waits without counting.
 */

export const invokeAsyncJobName = "functions.invoke-async";

export type AsyncRequest = GatewayRequest;
/** The request as kept on the invocation row, for retries and redrives. */
type StoredRequest = { method: string; path: string; headers: Record<string, string>; bodyBase64: string | null };

/** Sent to the function with an async invocation that has a dedupe key: what fired it, once. */
export const idempotencyKeyHeader = "x-slipway-idempotency-key";

export type EnqueueAsyncInput = {
  teamId: string;
  functionId: string;
  trigger: InvocationTrigger;
  request: AsyncRequest;
  /** What fired it: a second enqueue with the same key for the function is a no-op (returns null), ever after. */
  dedupeKey?: string;
};
/** Queues an invocation in the caller's transaction; its id, or null when deduplicated. */
export type EnqueueAsync = (executor: Executor, input: EnqueueAsyncInput) => Promise<string | null>;

/** An async invocation in its final state, told to listeners inside the transaction that settles it. */
export type SettledInvocation = {
  invocation: InvocationDetail;
  invocationId: string;
  functionId: string;
  teamId: string;
  status: "succeeded" | "dead";
  /** The last attempt's response (body as text, base64 when binary); null when it never ran. */
  response: { status: number; headers: Record<string, string>; body: string } | null;
  error: string | null;
  finishedAt: Date;
  request: AsyncRequest;
  settings: FunctionSettings;
};
export type SettledListener = (tx: Executor, settled: SettledInvocation) => Promise<void>;
export type OnSettled = (listener: SettledListener) => void;

/** A POST with a JSON body: how cron, events and destinations call a function. */
export function jsonInvocationRequest(body: unknown, headers: Record<string, string> = {}): AsyncRequest {
  return {
    method: "POST",
    path: "/",
    headers: { "content-type": "application/json", ...headers },
    body: Buffer.from(JSON.stringify(body)),
  };
}

const toStored = (request: AsyncRequest): StoredRequest => ({
  method: request.method,
  path: request.path,
  headers: request.headers,
  bodyBase64: request.body && request.body.length > 0 ? request.body.toString("base64") : null,
});

function fromStored(stored: Record<string, unknown> | null): AsyncRequest {
  const request = (stored ?? {}) as Partial<StoredRequest>;
  return {
    method: request.method ?? "POST",
    path: request.path ?? "/",
    headers: request.headers ?? {},
    ...(request.bodyBase64 ? { body: Buffer.from(request.bodyBase64, "base64") } : {}),
  };
}

const pending = ["queued", "running"];

export type FunctionAsync = ReturnType<typeof createFunctionAsync>;

export function createFunctionAsync(deps: {
  db: Db;
  queue: Queue;
  outbox: Outbox;
  logger: Logger;
  gateway: FunctionGateway;
  recorder: InvocationRecorder;
  /** Multiplies every retry delay; only tests shorten it. */
  retryDelayScale?: number;
}) {
  const listeners: SettledListener[] = [];
  const scale = deps.retryDelayScale ?? 1;
  const job = deps.queue.define({
    name: invokeAsyncJobName,
    payload: z.object({ invocationId: z.string() }),
    // Attempts of the job are for a worker that died mid-run; the function's own retries are new jobs.
    maxAttempts: 3,
    // The longest timeout a function may have, and a cold start.
    timeoutMs: 16 * 60_000,
    handler: ({ invocationId }) => run(invocationId),
  });

  const enqueue: EnqueueAsync = (executor, input) =>
    executor.transaction(async (tx) => {
      const invocationId = newId("inv");
      // The key also reaches the function, which may dedupe on its side too.
      const request = input.dedupeKey
        ? { ...input.request, headers: { ...input.request.headers, [idempotencyKeyHeader]: input.dedupeKey } }
        : input.request;
      const [inserted] = await tx
        .insert(functionInvocations)
        .values({
          id: invocationId,
          teamId: input.teamId,
          functionId: input.functionId,
          trigger: input.trigger,
          mode: "async",
          status: "queued",
          method: request.method,
          path: request.path.slice(0, 2048),
          request: toStored(request),
          dedupeKey: input.dedupeKey ?? null,
        })
        .onConflictDoNothing()
        .returning({ id: functionInvocations.id });
      // A second delivery of what fired it (a redelivered event, a cron slot run again): already queued or run.
      if (!inserted) return null;
      await deps.queue.enqueue(tx, job, { invocationId });
      return invocationId;
    });

  /** Final state, its event and the listeners (destinations), in one transaction. */
  async function settle(
    row: typeof functionInvocations.$inferSelect,
    status: "succeeded" | "dead",
    fields: Partial<RunFields>,
    context: { settings: FunctionSettings; request: AsyncRequest; response: SettledInvocation["response"] },
  ) {
    const finishedAt = new Date();
    await deps.db.transaction(async (tx) => {
      const [settled] = await tx
        .update(functionInvocations)
        .set({ ...fields, status, finishedAt })
        .where(and(eq(functionInvocations.id, row.id), inArray(functionInvocations.status, pending)))
        .returning();
      if (!settled) return;
      if (status === "dead")
        await deps.outbox.emit(tx, {
          type: "function.invocation_dead",
          teamId: row.teamId,
          payload: { functionId: row.functionId, invocationId: row.id, error: settled.error },
        });
      const event: SettledInvocation = {
        invocation: toInvocationDetail(settled),
        invocationId: row.id,
        functionId: row.functionId,
        teamId: row.teamId,
        status,
        response: context.response,
        error: settled.error,
        finishedAt,
        request: context.request,
        settings: context.settings,
      };
      for (const listener of listeners) {
        // A listener that fails must not undo the final state (and run the function again).
        await tx
          .transaction((savepoint) => listener(savepoint, event))
          .catch((error) =>
            deps.logger.error({ err: error, invocationId: row.id }, "functions: a settled listener failed"),
          );
      }
    });
  }

  async function run(invocationId: string): Promise<void> {
    const [row] = await deps.db.select().from(functionInvocations).where(eq(functionInvocations.id, invocationId));
    // Settled already (a job delivered twice), or gone with its function.
    if (!row || !pending.includes(row.status)) return;
    const loaded = deps.gateway.lookup(row.functionId);
    if (!loaded) throw new DeferJob("the function is not loaded on this node yet", 2_000);
    const { settings } = loaded;
    const request = fromStored(row.request);
    const context = { settings, request, response: null };
    if (Date.now() - row.createdAt.getTime() > settings.async.maxEventAgeSeconds * 1000) {
      const error = `the event was older than ${settings.async.maxEventAgeSeconds} s (maxEventAgeSeconds) before it ran`;
      await settle(row, "dead", { error }, context);
      deps.recorder.notify(row.functionId);
      return;
    }
    const attempt = row.attempts + 1;
    await deps.db
      .update(functionInvocations)
      .set({ status: "running", attempts: attempt })
      .where(eq(functionInvocations.id, row.id));
    deps.recorder.notify(row.functionId);
    const outcome = await deps.gateway.invoke(row.functionId, request, {
      trigger: row.trigger as InvocationTrigger,
      mode: "async",
      invocationId: row.id,
    });
    try {
      if (outcome.kind === "limited") {
        // Not a failure: the attempt is given back and the job waits its turn.
        await deps.db
          .update(functionInvocations)
          .set({ status: "queued", attempts: row.attempts })
          .where(eq(functionInvocations.id, row.id));
        throw new DeferJob(outcome.message, outcome.retryAfterSeconds * 1000);
      }
      const fields: Partial<RunFields> =
        outcome.kind === "done" ? outcome.fields : { outcome: null, error: outcome.message, finishedAt: new Date() };
      const response =
        outcome.kind === "done"
          ? {
              status: outcome.result.status,
              headers: outcome.result.headers,
              body: textOf(outcome.result.body) ?? outcome.result.body.toString("base64"),
            }
          : null;
      if (fields.status === "succeeded") await settle(row, "succeeded", fields, { ...context, response });
      else if (attempt <= settings.async.retries) await scheduleRetry(row, attempt, fields, settings);
      else await settle(row, "dead", fields, { ...context, response });
    } finally {
      deps.recorder.notify(row.functionId);
    }
  }

  /** Back in the queue after retryDelaySeconds × 2^(attempt-1), with the failed attempt's figures. */
  async function scheduleRetry(
    row: typeof functionInvocations.$inferSelect,
    attempt: number,
    fields: Partial<RunFields>,
    settings: FunctionSettings,
  ) {
    const delayMs = settings.async.retryDelaySeconds * 2 ** (attempt - 1) * 1000 * scale;
    await deps.db.transaction(async (tx) => {
      await tx
        .update(functionInvocations)
        .set({ ...fields, status: "queued", finishedAt: null })
        .where(eq(functionInvocations.id, row.id));
      await deps.queue.enqueue(tx, job, { invocationId: row.id }, { runAt: new Date(Date.now() + delayMs) });
    });
  }

  /** Queues an invocation asked for through the API (the caller audits it with its own action). */
  async function enqueueFromApi(
    scope: Scope & { functionId: string; request: AsyncRequest; trigger: InvocationTrigger; action: string },
  ): Promise<InvocationDetail> {
    const fn = await loadFunctionRow(scope.access.teamId, scope.functionId, deps.db);
    const invocationId = await deps.db.transaction(async (tx) => {
      const id = await enqueue(tx, {
        teamId: fn.teamId,
        functionId: fn.id,
        trigger: scope.trigger,
        request: scope.request,
      });
      await auditFunction(tx, scope, scope.action, fn.id, { invocationId: id, mode: "async", trigger: scope.trigger });
      return id as string;
    });
    deps.queue.wake();
    deps.recorder.notify(fn.id);
    return toInvocationDetail(await loadInvocation(fn.id, invocationId, deps.db));
  }

  return {
    job,
    enqueue,
    enqueueFromApi,
    onSettled: ((listener) => {
      listeners.push(listener);
    }) satisfies OnSettled,
    /** A dead or failed async invocation again, as a new invocation with the same request and trigger. */
    async retry(scope: Scope & { functionId: string; invocationId: string }): Promise<InvocationDetail> {
      const fn = await loadFunctionRow(scope.access.teamId, scope.functionId, deps.db);
      // A sync invocation of this process may still be in the recorder's batch.
      await deps.recorder.flush();
      const row = await loadInvocation(fn.id, scope.invocationId, deps.db);
      if (row.mode !== "async" || !row.request)
        throw conflict("only async invocations keep their request: invoke the function again instead");
      if (row.status !== "dead" && row.status !== "failed")
        throw conflict(`the invocation is ${row.status}; only a dead or failed one can be retried`);
      return enqueueFromApi({
        ...scope,
        request: fromStored(row.request),
        trigger: row.trigger as InvocationTrigger,
        action: "function.invocation.retry",
      });
    },
  };
}

import {
  functionMetricsSchema,
  invocationDetailSchema,
  invocationQuerySchema,
  invocationSchema,
  invokeFunctionSchema,
  invokeResultSchema,
  metricsRangeSchema,
} from "@slipway/contracts";
import { and, asc, eq, gte, isNotNull } from "drizzle-orm";
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { Db } from "../../platform/db.ts";
import { AppError } from "../../platform/errors.ts";
import { openEventStream } from "../../platform/event-stream.ts";
import type { HttpApp } from "../../platform/http.ts";
import { contextOf, teamOf } from "../../platform/route-context.ts";
import type { FunctionAsync } from "./function-async.ts";
import type { FunctionGateway } from "./function-gateway.ts";
import { listInvocations, loadInvocation, textOf, toInvocationDetail } from "./function-invocations.ts";
import { functionMetrics } from "./function-metrics.ts";
import { functionParams, functionTags as tags } from "./functions.routes.ts";
import { auditFunction, loadFunctionRow } from "./functions.service.ts";
import { functionInvocations } from "./functions.tables.ts";
import type { InvocationRecorder } from "./invocation-recorder.ts";

const invocationParams = functionParams.extend({ invocationId: z.string().max(64) });
const base = "/api/v1/teams/:teamId/functions/:functionId";
/** Set on a response whose body was binary: it is given base64-encoded. */
const bodyEncodingHeader = "x-slipway-body-encoding";

export type InvocationRoutesDeps = {
  db: Db;
  gateway: FunctionGateway;
  async: FunctionAsync;
  recorder: InvocationRecorder;
};

export function registerFunctionInvocationRoutes(app: HttpApp, deps: InvocationRoutesDeps) {
  /** The function in the caller's team (404 otherwise), with this process's pending records written. */
  async function functionOf(request: FastifyRequest & { params: { functionId: string } }) {
    const fn = await loadFunctionRow(teamOf(request).teamId, request.params.functionId, deps.db);
    await deps.recorder.flush();
    return fn;
  }

  app.post(
    `${base}/invoke`,
    {
      config: { access: { team: "functions:invoke" } },
      // A 6 MB payload, escaped in JSON.
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags,
        summary: "Invoke the function's production version: sync (the response) or async (202, queued)",
        params: functionParams,
        querystring: z.strictObject({ test: z.enum(["0", "1", "true", "false"]).optional() }),
        body: invokeFunctionSchema,
        response: { 200: invokeResultSchema, 202: z.object({ invocation: invocationDetailSchema }) },
      },
    },
    async (request, reply) => {
      const scope = { ctx: contextOf(request), access: teamOf(request) };
      const fn = await loadFunctionRow(scope.access.teamId, request.params.functionId, deps.db);
      const trigger = request.query.test === "1" || request.query.test === "true" ? "test" : "api";
      const { method, path, headers, body } = request.body;
      const asked = { method, path, headers, body: Buffer.from(body ?? "") };
      if (request.body.async) {
        const invocation = await deps.async.enqueueFromApi({
          ...scope,
          functionId: fn.id,
          request: asked,
          trigger,
          action: "function.invoke",
        });
        return reply.status(202).send({ invocation });
      }
      const outcome = await deps.gateway.invoke(fn.id, asked, { trigger, mode: "sync" });
      if (outcome.kind === "limited") {
        reply.header("retry-after", String(outcome.retryAfterSeconds));
        throw new AppError("rate_limited", outcome.message);
      }
      if (outcome.kind === "unavailable") throw new AppError("unavailable", outcome.message);
      await auditFunction(deps.db, scope, "function.invoke", fn.id, {
        invocationId: outcome.invocationId,
        mode: "sync",
        trigger,
      });
      const { result } = outcome;
      const text = textOf(result.body);
      return {
        invocation: toInvocationDetail(outcome.row),
        response: {
          status: result.status,
          headers: text === null ? { ...result.headers, [bodyEncodingHeader]: "base64" } : result.headers,
          body: text ?? result.body.toString("base64"),
        },
      };
    },
  );

  app.get(
    `${base}/invocations`,
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "The function's invocations, newest first, by status, cold start, trigger, time and text",
        params: functionParams,
        querystring: invocationQuerySchema,
        response: { 200: z.object({ items: z.array(invocationSchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => listInvocations((await functionOf(request)).id, request.query, deps.db),
  );

  app.get(
    `${base}/invocations/stream`,
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "Invocations live, as server-sent events (`invocation`, each as it finishes)",
        params: functionParams,
      },
    },
    async (request, reply) => {
      const fn = await functionOf(request);
      const t = functionInvocations;
      // Resumes from the last finish time sent; the ids sent at that very time are not sent again.
      let since = new Date();
      let sentAtSince = new Set<string>();
      let isFirst = true;
      await openEventStream(request, reply, {
        what: { functionId: fn.id },
        subscribe: (wake) => deps.recorder.subscribe(fn.id, wake),
        async pump(send) {
          const rows = await deps.db
            .select()
            .from(t)
            .where(and(eq(t.functionId, fn.id), isNotNull(t.finishedAt), gte(t.finishedAt, since)))
            .orderBy(asc(t.finishedAt), asc(t.id))
            .limit(500);
          for (const row of rows) {
            if (sentAtSince.has(row.id) || !row.finishedAt) continue;
            send("invocation", toInvocationDetail(row));
            if (row.finishedAt.getTime() !== since.getTime()) {
              since = row.finishedAt;
              sentAtSince = new Set();
            }
            sentAtSince.add(row.id);
          }
          if (isFirst) send("ready", {});
          isFirst = false;
          return "open";
        },
      });
    },
  );

  app.get(
    `${base}/invocations/:invocationId`,
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "One invocation with its logs",
        params: invocationParams,
        response: { 200: invocationDetailSchema },
      },
    },
    async (request) =>
      toInvocationDetail(await loadInvocation((await functionOf(request)).id, request.params.invocationId, deps.db)),
  );

  app.post(
    `${base}/invocations/:invocationId/retry`,
    {
      config: { access: { team: "functions:invoke" } },
      schema: {
        tags,
        summary: "Run a dead or failed async invocation again, as a new invocation with the same request",
        params: invocationParams,
        response: { 202: z.object({ invocation: invocationDetailSchema }) },
      },
    },
    async (request, reply) => {
      const invocation = await deps.async.retry({
        ctx: contextOf(request),
        access: teamOf(request),
        functionId: request.params.functionId,
        invocationId: request.params.invocationId,
      });
      return reply.status(202).send({ invocation });
    },
  );

  app.get(
    `${base}/metrics`,
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "Invocations, errors, cold starts, p50/p95 duration and memory over 24 hours or 7 days",
        params: functionParams,
        querystring: metricsRangeSchema,
        response: { 200: functionMetricsSchema },
      },
    },
    async (request) => functionMetrics((await functionOf(request)).id, request.query.range, deps.db),
  );
}

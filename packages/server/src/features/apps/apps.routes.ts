import {
  deploymentRuntimeSchema,
  runtimeLogLineSchema,
  runtimeLogQuerySchema,
  scaleDeploymentSchema,
} from "@slipway/contracts";
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { recordAudit } from "../../platform/audit.ts";
import type { Db } from "../../platform/db.ts";
import { badRequest, conflict } from "../../platform/errors.ts";
import type { HttpApp } from "../../platform/http.ts";
import { contextOf, teamOf } from "../../platform/route-context.ts";
import { loadDeployment } from "../deployments/deployments.service.ts";
import { teamParams } from "../projects/projects.routes.ts";
import { loadProject, runtimeOf } from "../projects/projects.service.ts";
import type { AppFleet } from "./app-fleet.ts";
import { streamRuntimeLog } from "./runtime-log-stream.ts";
import type { RuntimeLogs } from "./runtime-logs.ts";

const deploymentParams = teamParams.extend({ deploymentId: z.string().max(64) });
const tags = ["apps"];

export type AppsRouteDeps = { db: Db; fleet: AppFleet; logs: RuntimeLogs };

/** A server app's deployment of the caller's team, or 404; a static one is a 409 here. */
async function loadAppDeployment(teamId: string, deploymentId: string, db: Db) {
  const row = await loadDeployment(teamId, deploymentId, db);
  if (row.kind !== "app") throw conflict("this deployment serves static files: it has no instances or runtime logs");
  return row;
}

/** A deployment that runs code (a server app, or api/ functions), or 404; static files only is a 409 here. */
async function loadLoggingDeployment(teamId: string, deploymentId: string, db: Db) {
  const row = await loadDeployment(teamId, deploymentId, db);
  if (row.kind !== "app" && !row.functions?.length)
    throw conflict("this deployment serves static files only: it has no instances, functions or runtime logs");
  return row;
}

export function registerAppRoutes(app: HttpApp, deps: AppsRouteDeps) {
  const audit = (request: FastifyRequest, action: string, deploymentId: string, details?: Record<string, unknown>) => {
    const ctx = contextOf(request);
    return recordAudit(deps.db, {
      actor: ctx.actor,
      ip: ctx.ip,
      teamId: teamOf(request).teamId,
      action,
      resource: { type: "deployment", id: deploymentId },
      result: "success",
      ...(details ? { details } : {}),
    });
  };

  app.get(
    "/api/v1/teams/:teamId/deployments/:deploymentId/instances",
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "The deployment's instances: state, uptime, restarts, CPU and memory now",
        params: deploymentParams,
        response: { 200: deploymentRuntimeSchema },
      },
    },
    async (request) => {
      const row = await loadAppDeployment(teamOf(request).teamId, request.params.deploymentId, deps.db);
      return deps.fleet.runtime(row.id);
    },
  );

  app.post(
    "/api/v1/teams/:teamId/deployments/:deploymentId/scale",
    {
      config: { access: { team: "apps:manage" } },
      schema: {
        tags,
        summary: "Run this many instances now (0 stops it until its next request)",
        params: deploymentParams,
        body: scaleDeploymentSchema,
        response: { 200: deploymentRuntimeSchema },
      },
    },
    async (request) => {
      const access = teamOf(request);
      const row = await loadAppDeployment(access.teamId, request.params.deploymentId, deps.db);
      const { maxInstances } = runtimeOf(await loadProject(access.teamId, row.projectId, deps.db));
      if (request.body.instances > maxInstances)
        throw badRequest(
          `the project runs at most ${maxInstances} instance${maxInstances === 1 ? "" : "s"}: raise its maximum first`,
        );
      if (!deps.fleet.scale(row.id, request.body.instances))
        throw conflict("this deployment is not loaded on this node yet; try again in a few seconds");
      await audit(request, "deployment.scale", row.id, { instances: request.body.instances });
      return deps.fleet.runtime(row.id);
    },
  );

  app.post(
    "/api/v1/teams/:teamId/deployments/:deploymentId/restart",
    {
      config: { access: { team: "apps:manage" } },
      schema: {
        tags,
        summary: "Replace every instance, one at a time (a new one is healthy before an old one stops)",
        params: deploymentParams,
        response: { 200: deploymentRuntimeSchema },
      },
    },
    async (request) => {
      const access = teamOf(request);
      const row = await loadAppDeployment(access.teamId, request.params.deploymentId, deps.db);
      const isLoaded = await deps.fleet.restart(row.id).catch((error: Error) => {
        throw conflict(`a new instance did not become healthy, the running ones were kept: ${error.message}`);
      });
      if (!isLoaded) throw conflict("this deployment is not loaded on this node yet; try again in a few seconds");
      await audit(request, "deployment.restart", row.id);
      return deps.fleet.runtime(row.id);
    },
  );

  app.get(
    "/api/v1/teams/:teamId/deployments/:deploymentId/logs",
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "Runtime logs (stdout/stderr of every instance): the newest lines, or the ones after `after`",
        params: deploymentParams,
        querystring: runtimeLogQuerySchema,
        response: { 200: z.object({ lines: z.array(runtimeLogLineSchema) }) },
      },
    },
    async (request) => {
      const row = await loadLoggingDeployment(teamOf(request).teamId, request.params.deploymentId, deps.db);
      const { after, limit, instanceId, stream, q } = request.query;
      return { lines: await deps.logs.read(row.id, { after, limit, instanceId, stream, q }) };
    },
  );

  app.get(
    "/api/v1/teams/:teamId/deployments/:deploymentId/logs/stream",
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "Runtime logs live, as server-sent events (`line`); resumes from Last-Event-ID",
        params: deploymentParams,
        querystring: runtimeLogQuerySchema.omit({ limit: true }),
      },
    },
    async (request, reply) => {
      const row = await loadLoggingDeployment(teamOf(request).teamId, request.params.deploymentId, deps.db);
      const lastEventId = Number(request.headers["last-event-id"]);
      const { after, instanceId, stream, q } = request.query;
      await streamRuntimeLog(
        request,
        reply,
        {
          deploymentId: row.id,
          after: Number.isInteger(lastEventId) && lastEventId > 0 ? lastEventId : after,
          filter: { instanceId, stream, q },
        },
        deps,
      );
    },
  );
}

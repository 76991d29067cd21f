import {
  buildAnalyticsSchema,
  buildListQuerySchema,
  buildLogPageSchema,
  buildSchema,
  createBuildSchema,
  environmentSchema,
  pageOf,
} from "@slipway/contracts";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Builder } from "../../engines/builder/builder.types.ts";
import { recordAudit } from "../../platform/audit.ts";
import { AppError } from "../../platform/errors.ts";
import type { HttpApp } from "../../platform/http.ts";
import { decodeCursor } from "../../platform/pagination.ts";
import { contextOf, teamOf } from "../../platform/route-context.ts";
import { projectParams, teamParams } from "../projects/projects.routes.ts";
import { loadProject } from "../projects/projects.service.ts";
import { streamBuildLog } from "./build-log-stream.ts";
import { archiveContentTypes, isArchiveType, receiveUpload } from "./build-upload.ts";
import { isBuildActive, toBuild } from "./build-view.ts";
import {
  type BuildsDeps,
  buildAnalytics,
  cancelBuild,
  listBuilds,
  loadBuild,
  queueBuild,
  retryBuild,
  startBuild,
  viewBuild,
} from "./builds.service.ts";

const buildParams = teamParams.extend({ buildId: z.string().max(64) });
const tags = ["builds"];
const analyticsQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(90).default(7) });

export function registerBuildRoutes(
  app: HttpApp,
  deps: BuildsDeps & { builder: Builder; uploadsDir: string; uploadLimitBytes: number },
) {
  app.get(
    "/api/v1/teams/:teamId/builds",
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "Builds of every project in the team",
        params: teamParams,
        querystring: buildListQuerySchema.extend({ projectId: z.string().max(64).optional() }),
        response: { 200: pageOf(buildSchema) },
      },
    },
    async (request) => {
      const { limit, cursor, ...filters } = request.query;
      return listBuilds({ teamId: teamOf(request).teamId, ...filters, limit, cursor: decodeCursor(cursor) }, deps);
    },
  );

  app.get(
    "/api/v1/teams/:teamId/builds/analytics",
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "Builds per day, success rate, durations and cache hit rate",
        params: teamParams,
        querystring: analyticsQuery.extend({ projectId: z.string().max(64).optional() }),
        response: { 200: buildAnalyticsSchema },
      },
    },
    async (request) => {
      const teamId = teamOf(request).teamId;
      if (request.query.projectId) await loadProject(teamId, request.query.projectId, deps.db);
      return buildAnalytics(
        {
          teamId,
          days: request.query.days,
          ...(request.query.projectId ? { projectId: request.query.projectId } : {}),
        },
        deps.db,
      );
    },
  );

  app.post(
    "/api/v1/teams/:teamId/projects/:projectId/builds",
    {
      config: { access: { team: "builds:create" } },
      schema: {
        tags,
        summary: "Build a branch of the project's repository",
        params: projectParams,
        body: createBuildSchema,
        response: { 201: buildSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await startBuild(
          {
            ctx: contextOf(request),
            access: teamOf(request),
            projectId: request.params.projectId,
            branch: request.body.branch,
          },
          deps,
        ),
      ),
  );

  app.register(async (scope) => {
    const uploads = scope.withTypeProvider<ZodTypeProvider>();
    // The body is the .tar.gz itself, streamed to disk; nothing parses it here.
    uploads.addContentTypeParser(archiveContentTypes, (_request, payload, done) => done(null, payload));
    uploads.post(
      "/api/v1/teams/:teamId/projects/:projectId/uploads",
      {
        config: { access: { team: "builds:create" } },
        bodyLimit: deps.uploadLimitBytes,
        schema: {
          tags,
          summary: "Upload a source tree (.tar.gz) and build it, as `slipway deploy` does",
          params: projectParams,
          querystring: z.strictObject({
            environment: environmentSchema.default("preview"),
            branch: z.string().max(255).optional(),
          }),
          response: { 201: buildSchema },
        },
      },
      async (request, reply) => {
        const ctx = contextOf(request);
        const access = teamOf(request);
        const project = await loadProject(access.teamId, request.params.projectId, deps.db);
        if (!isArchiveType(request.headers["content-type"])) {
          throw new AppError(
            "unsupported_media_type",
            "send the source as a .tar.gz with Content-Type: application/gzip",
          );
        }
        const archivePath = await receiveUpload(request.body as NodeJS.ReadableStream, {
          uploadsDir: deps.uploadsDir,
          limitBytes: deps.uploadLimitBytes,
        });
        const { environment } = request.query;
        const branch = request.query.branch ?? (environment === "production" ? project.productionBranch : null);
        const row = await deps.db.transaction(async (tx) => {
          const build = await queueBuild(
            tx,
            { project, actor: ctx.actor, trigger: "cli", branch, archivePath, environment },
            deps,
          );
          await recordAudit(tx, {
            actor: ctx.actor,
            ip: ctx.ip,
            teamId: access.teamId,
            action: "build.upload",
            resource: { type: "build", id: build.id },
            result: "success",
            details: { projectId: project.id, environment },
          });
          return build;
        });
        deps.queue.wake();
        return reply.status(201).send(toBuild(row, null));
      },
    );
  });

  app.get(
    "/api/v1/teams/:teamId/builds/:buildId",
    {
      config: { access: { team: "projects:read" } },
      schema: { tags, summary: "A build with its steps", params: buildParams, response: { 200: buildSchema } },
    },
    async (request) => viewBuild(await loadBuild(teamOf(request).teamId, request.params.buildId, deps.db), deps),
  );

  app.post(
    "/api/v1/teams/:teamId/builds/:buildId/retry",
    {
      config: { access: { team: "builds:create" } },
      schema: {
        tags,
        summary: "Build the same source and settings again",
        params: buildParams,
        response: { 201: buildSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await retryBuild({ ctx: contextOf(request), access: teamOf(request), buildId: request.params.buildId }, deps),
        ),
  );

  app.post(
    "/api/v1/teams/:teamId/builds/:buildId/cancel",
    {
      config: { access: { team: "builds:cancel" } },
      schema: {
        tags,
        summary: "Cancel a queued or running build",
        params: buildParams,
        response: { 200: buildSchema },
      },
    },
    async (request) =>
      cancelBuild({ ctx: contextOf(request), access: teamOf(request), buildId: request.params.buildId }, deps),
  );

  app.get(
    "/api/v1/teams/:teamId/builds/:buildId/logs",
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "Log lines after a sequence number",
        params: buildParams,
        querystring: z.strictObject({ after: z.coerce.number().int().min(0).default(0) }),
        response: { 200: buildLogPageSchema },
      },
    },
    async (request) => {
      const build = await loadBuild(teamOf(request).teamId, request.params.buildId, deps.db);
      const lines = await deps.logs.read(build.id, request.query.after);
      const isOver = !isBuildActive(build.status);
      return { lines, isComplete: isOver && lines.length < 5000 };
    },
  );

  app.get(
    "/api/v1/teams/:teamId/builds/:buildId/logs/stream",
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "Live log as server-sent events (line, build, end); resumes from Last-Event-ID",
        params: buildParams,
        querystring: z.strictObject({ after: z.coerce.number().int().min(0).optional() }),
      },
    },
    async (request, reply) => {
      const build = await loadBuild(teamOf(request).teamId, request.params.buildId, deps.db);
      const lastEventId = Number(request.headers["last-event-id"]);
      const afterSeq = Number.isInteger(lastEventId) && lastEventId > 0 ? lastEventId : (request.query.after ?? 0);
      await streamBuildLog(
        request,
        reply,
        { buildId: build.id, afterSeq },
        { ...deps, view: (row) => viewBuild(row, deps) },
      );
    },
  );

  app.delete(
    "/api/v1/teams/:teamId/projects/:projectId/build-cache",
    {
      config: { access: { team: "builds:create" } },
      schema: {
        tags,
        summary: "Clear the project's dependency cache",
        params: projectParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      const project = await loadProject(teamOf(request).teamId, request.params.projectId, deps.db);
      await deps.builder.clearCache({ cacheScope: project.id });
      await recordAudit(deps.db, {
        actor: ctx.actor,
        ip: ctx.ip,
        teamId: project.teamId,
        action: "build_cache.clear",
        resource: { type: "project", id: project.id },
        result: "success",
      });
      return reply.status(204).send(null);
    },
  );
}

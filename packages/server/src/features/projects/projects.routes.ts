import {
  createProjectSchema,
  detectedSettingsSchema,
  detectSettingsSchema,
  gitWebhookSchema,
  pageOf,
  pageQuerySchema,
  projectSchema,
  updateProjectSchema,
} from "@slipway/contracts";
import { z } from "zod";
import type { Builder } from "../../engines/builder/builder.types.ts";
import { BuildFailure } from "../../engines/builder/builder.types.ts";
import { AppError } from "../../platform/errors.ts";
import type { HttpApp } from "../../platform/http.ts";
import { decodeCursor } from "../../platform/pagination.ts";
import { contextOf, teamOf } from "../../platform/route-context.ts";
import {
  createProject,
  deleteProject,
  listProjects,
  loadProject,
  type ProjectsDeps,
  toProject,
  updateProject,
  webhookSecretOf,
} from "./projects.service.ts";

export const teamParams = z.strictObject({ teamId: z.string().max(64) });
export const projectParams = teamParams.extend({ projectId: z.string().max(64) });
const tags = ["projects"];

/** Detection clones the repository: its failures are the user's to fix, with the reason. */
async function detect(builder: Builder, git: { url: string; branch: string; rootDir: string }) {
  try {
    return await builder.detect({ kind: "git", url: git.url, ref: git.branch }, git.rootDir);
  } catch (error) {
    if (error instanceof BuildFailure)
      throw new AppError("bad_request", error.message, { reason: error.reason, field: "git" });
    throw error;
  }
}

export function registerProjectRoutes(
  app: HttpApp,
  deps: ProjectsDeps & { builder: Builder; publicUrl: string; onRoutesChanged(): Promise<void> },
) {
  app.get(
    "/api/v1/teams/:teamId/projects",
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "List projects (or find one by its slug)",
        params: teamParams,
        querystring: pageQuerySchema.extend({ slug: z.string().max(64).optional() }),
        response: { 200: pageOf(projectSchema) },
      },
    },
    async (request) =>
      listProjects(
        {
          access: teamOf(request),
          limit: request.query.limit,
          cursor: decodeCursor(request.query.cursor),
          slug: request.query.slug,
        },
        deps,
      ),
  );

  app.post(
    "/api/v1/teams/:teamId/projects/detect",
    {
      config: { access: { team: "projects:create" } },
      schema: {
        tags,
        summary: "Propose build settings for a repository",
        params: teamParams,
        body: detectSettingsSchema,
        response: { 200: detectedSettingsSchema },
      },
    },
    async (request) => ({
      settings: await detect(deps.builder, request.body.git),
      nodeVersions: await deps.builder.nodeVersions(),
    }),
  );

  app.post(
    "/api/v1/teams/:teamId/projects",
    {
      config: { access: { team: "projects:create" } },
      schema: {
        tags,
        summary: "Create a project, from a repository or empty",
        params: teamParams,
        body: createProjectSchema,
        response: { 201: projectSchema },
      },
    },
    async (request, reply) => {
      const detected = request.body.git ? await detect(deps.builder, request.body.git) : null;
      const project = await createProject(
        { ctx: contextOf(request), access: teamOf(request), input: request.body, detected },
        deps,
      );
      return reply.status(201).send(project);
    },
  );

  app.get(
    "/api/v1/teams/:teamId/projects/:projectId",
    {
      config: { access: { team: "projects:read" } },
      schema: { tags, summary: "Get a project", params: projectParams, response: { 200: projectSchema } },
    },
    async (request) => toProject(await loadProject(teamOf(request).teamId, request.params.projectId, deps.db), deps),
  );

  app.patch(
    "/api/v1/teams/:teamId/projects/:projectId",
    {
      config: { access: { team: "projects:update" } },
      schema: {
        tags,
        summary: "Change a project's git connection, build settings, hooks or limits",
        params: projectParams,
        body: updateProjectSchema,
        response: { 200: projectSchema },
      },
    },
    async (request) => {
      const project = await updateProject(
        { ctx: contextOf(request), access: teamOf(request), projectId: request.params.projectId, input: request.body },
        deps,
      );
      // Scaling applies to running apps at once.
      if (request.body.runtime) await deps.onRoutesChanged();
      return project;
    },
  );

  app.delete(
    "/api/v1/teams/:teamId/projects/:projectId",
    {
      config: { access: { team: "projects:delete" } },
      schema: {
        tags,
        summary: "Delete a project with its builds and deployments",
        params: projectParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deleteProject(
        { ctx: contextOf(request), access: teamOf(request), projectId: request.params.projectId },
        deps,
      );
      await deps.onRoutesChanged();
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/api/v1/teams/:teamId/projects/:projectId/git-webhook",
    {
      config: { access: { team: "projects:update" } },
      schema: {
        tags,
        summary: "The push webhook URL and secret to give GitHub, GitLab or Gitea",
        params: projectParams,
        response: { 200: gitWebhookSchema },
      },
    },
    async (request) => {
      const project = await loadProject(teamOf(request).teamId, request.params.projectId, deps.db);
      return {
        url: `${deps.publicUrl}/api/v1/hooks/git/${project.id}`,
        secret: webhookSecretOf(project, deps.secrets),
        deployHookUrl: `${deps.publicUrl}/api/v1/hooks/deploy/${project.id}`,
      };
    },
  );
}

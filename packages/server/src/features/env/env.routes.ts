import { createEnvVarSchema, envVarSchema, updateEnvVarSchema } from "@slipway/contracts";
import { z } from "zod";
import type { HttpApp } from "../../platform/http.ts";
import { contextOf, teamOf } from "../../platform/route-context.ts";
import { projectParams } from "../projects/projects.routes.ts";
import { loadProject } from "../projects/projects.service.ts";
import { createEnvVar, deleteEnvVar, type EnvDeps, listEnvVars, updateEnvVar } from "./env.service.ts";

const envParams = projectParams.extend({ envId: z.string().max(64) });
const tags = ["env"];

export function registerEnvRoutes(app: HttpApp, deps: EnvDeps) {
  /** Resolves the project first: an id of another team's project is a 404. */
  async function scopeOf(request: Parameters<typeof teamOf>[0] & { params: { projectId: string } }) {
    const access = teamOf(request);
    const project = await loadProject(access.teamId, request.params.projectId, deps.db);
    return { ctx: contextOf(request), teamId: access.teamId, projectId: project.id };
  }

  app.get(
    "/api/v1/teams/:teamId/projects/:projectId/env",
    {
      config: { access: { team: "env:read" } },
      schema: {
        tags,
        summary: "Environment variables; sensitive values come back as null",
        params: projectParams,
        response: { 200: z.object({ items: z.array(envVarSchema) }) },
      },
    },
    async (request) => {
      const project = await loadProject(teamOf(request).teamId, request.params.projectId, deps.db);
      return { items: await listEnvVars(project.id, deps) };
    },
  );

  app.post(
    "/api/v1/teams/:teamId/projects/:projectId/env",
    {
      config: { access: { team: "env:write" } },
      schema: {
        tags,
        summary: "Add a variable; it applies to the next deployment",
        params: projectParams,
        body: createEnvVarSchema,
        response: { 201: envVarSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createEnvVar({ ...(await scopeOf(request)), input: request.body }, deps)),
  );

  app.patch(
    "/api/v1/teams/:teamId/projects/:projectId/env/:envId",
    {
      config: { access: { team: "env:write" } },
      schema: {
        tags,
        summary: "Change a variable's value, targets or make it sensitive",
        params: envParams,
        body: updateEnvVarSchema,
        response: { 200: envVarSchema },
      },
    },
    async (request) =>
      updateEnvVar({ ...(await scopeOf(request)), envId: request.params.envId, input: request.body }, deps),
  );

  app.delete(
    "/api/v1/teams/:teamId/projects/:projectId/env/:envId",
    {
      config: { access: { team: "env:write" } },
      schema: { tags, summary: "Remove a variable", params: envParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await deleteEnvVar({ ...(await scopeOf(request)), envId: request.params.envId }, deps);
      return reply.status(204).send(null);
    },
  );
}

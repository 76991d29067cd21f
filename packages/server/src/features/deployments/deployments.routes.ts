import { deploymentSchema, pageOf, pageQuerySchema } from "@slipway/contracts";
import { z } from "zod";
import type { HttpApp } from "../../platform/http.ts";
import { decodeCursor } from "../../platform/pagination.ts";
import { contextOf, teamOf } from "../../platform/route-context.ts";
import { projectParams, teamParams } from "../projects/projects.routes.ts";
import {
  type DeploymentsDeps,
  getDeployment,
  listDeployments,
  promoteDeployment,
  rollbackProduction,
} from "./deployments.service.ts";

const deploymentParams = teamParams.extend({ deploymentId: z.string().max(64) });
const tags = ["deployments"];

export function registerDeploymentRoutes(app: HttpApp, deps: DeploymentsDeps & { onRoutesChanged(): Promise<void> }) {
  app.get(
    "/api/v1/teams/:teamId/projects/:projectId/deployments",
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "The project's deployments, newest first",
        params: projectParams,
        querystring: pageQuerySchema,
        response: { 200: pageOf(deploymentSchema) },
      },
    },
    async (request) =>
      listDeployments(
        {
          access: teamOf(request),
          projectId: request.params.projectId,
          limit: request.query.limit,
          cursor: decodeCursor(request.query.cursor),
        },
        deps,
      ),
  );

  app.get(
    "/api/v1/teams/:teamId/deployments/:deploymentId",
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "A deployment and the URLs it answers at",
        params: deploymentParams,
        response: { 200: deploymentSchema },
      },
    },
    async (request) => getDeployment({ access: teamOf(request), deploymentId: request.params.deploymentId }, deps),
  );

  app.post(
    "/api/v1/teams/:teamId/deployments/:deploymentId/promote",
    {
      config: { access: { team: "deployments:promote" } },
      schema: {
        tags,
        summary: "Serve this deployment at the production URL, now",
        params: deploymentParams,
        response: { 200: deploymentSchema },
      },
    },
    async (request) => {
      const deployment = await promoteDeployment(
        { ctx: contextOf(request), access: teamOf(request), deploymentId: request.params.deploymentId },
        deps,
      );
      await deps.onRoutesChanged();
      return deployment;
    },
  );

  app.post(
    "/api/v1/teams/:teamId/projects/:projectId/rollback",
    {
      config: { access: { team: "deployments:promote" } },
      schema: {
        tags,
        summary: "Put the previous production deployment back, now",
        params: projectParams,
        response: { 200: deploymentSchema },
      },
    },
    async (request) => {
      const deployment = await rollbackProduction(
        { ctx: contextOf(request), access: teamOf(request), projectId: request.params.projectId },
        deps,
      );
      await deps.onRoutesChanged();
      return deployment;
    },
  );
}

import { createTriggerSchema, triggerSchema, updateTriggerSchema } from "@slipway/contracts";
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { HttpApp } from "../../platform/http.ts";
import { contextOf, teamOf } from "../../platform/route-context.ts";
import {
  createFunctionTrigger,
  deleteFunctionTrigger,
  type FunctionTriggersDeps,
  listFunctionTriggers,
  setFunctionTriggerEnabled,
} from "./function-triggers.ts";
import { functionParams, functionTags as tags } from "./functions.routes.ts";
import { loadFunctionRow } from "./functions.service.ts";

const triggerParams = functionParams.extend({ triggerId: z.string().max(64) });
const path = "/api/v1/teams/:teamId/functions/:functionId/triggers";

export function registerFunctionTriggerRoutes(app: HttpApp, deps: FunctionTriggersDeps) {
  /** Resolves the function in the caller's team first: another team's function id is a 404. */
  async function scopeOf(request: FastifyRequest & { params: { functionId: string } }) {
    const access = teamOf(request);
    const fn = await loadFunctionRow(access.teamId, request.params.functionId, deps.db);
    return { ctx: contextOf(request), access, functionId: fn.id };
  }

  app.get(
    path,
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "The function's cron and event triggers, with each schedule's next run",
        params: functionParams,
        response: { 200: z.object({ items: z.array(triggerSchema) }) },
      },
    },
    async (request) => ({ items: await listFunctionTriggers((await scopeOf(request)).functionId, deps.db) }),
  );

  app.post(
    path,
    {
      config: { access: { team: "functions:manage" } },
      schema: {
        tags,
        summary: "Run the function on a cron schedule (in an IANA time zone) or on a platform event",
        params: functionParams,
        body: createTriggerSchema,
        response: { 201: triggerSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createFunctionTrigger({ ...(await scopeOf(request)), input: request.body }, deps)),
  );

  app.patch(
    `${path}/:triggerId`,
    {
      config: { access: { team: "functions:manage" } },
      schema: {
        tags,
        summary: "Turn a trigger on or off",
        params: triggerParams,
        body: updateTriggerSchema,
        response: { 200: triggerSchema },
      },
    },
    async (request) =>
      setFunctionTriggerEnabled(
        { ...(await scopeOf(request)), triggerId: request.params.triggerId, isEnabled: request.body.isEnabled },
        deps,
      ),
  );

  app.delete(
    `${path}/:triggerId`,
    {
      config: { access: { team: "functions:manage" } },
      schema: { tags, summary: "Remove a trigger", params: triggerParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await deleteFunctionTrigger({ ...(await scopeOf(request)), triggerId: request.params.triggerId }, deps);
      return reply.status(204).send(null);
    },
  );
}

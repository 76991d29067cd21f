import { apiTokenSchema, createdTokenSchema, createTokenSchema, pageOf, pageQuerySchema } from "@slipway/contracts";
import { z } from "zod";
import type { HttpApp } from "../../platform/http.ts";
import { decodeCursor } from "../../platform/pagination.ts";
import { contextOf, teamOf } from "../../platform/route-context.ts";
import { createToken, listTokens, revokeToken, type TokensDeps } from "./tokens.service.ts";

const teamParams = z.strictObject({ teamId: z.string().max(64) });
const tags = ["tokens"];

export function registerTokenRoutes(app: HttpApp, deps: TokensDeps) {
  app.get(
    "/api/v1/teams/:teamId/tokens",
    {
      config: { access: { team: "tokens:read" } },
      schema: {
        tags,
        summary: "List the team's API tokens",
        params: teamParams,
        querystring: pageQuerySchema,
        response: { 200: pageOf(apiTokenSchema) },
      },
    },
    async (request) =>
      listTokens(
        { access: teamOf(request), limit: request.query.limit, cursor: decodeCursor(request.query.cursor) },
        deps.db,
      ),
  );

  app.post(
    "/api/v1/teams/:teamId/tokens",
    {
      config: { access: { team: "tokens:create" } },
      schema: {
        tags,
        summary: "Create an API token; the secret is in this response only",
        params: teamParams,
        body: createTokenSchema,
        response: { 201: createdTokenSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createToken({ ctx: contextOf(request), access: teamOf(request), input: request.body }, deps)),
  );

  app.delete(
    "/api/v1/teams/:teamId/tokens/:tokenId",
    {
      config: { access: { team: "tokens:create" } },
      schema: {
        tags,
        summary: "Revoke a token (someone else's needs tokens:manage)",
        params: teamParams.extend({ tokenId: z.string().max(64) }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await revokeToken({ ctx: contextOf(request), access: teamOf(request), tokenId: request.params.tokenId }, deps);
      return reply.status(204).send(null);
    },
  );
}

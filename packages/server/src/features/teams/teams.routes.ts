import {
  addMemberSchema,
  createTeamSchema,
  memberSchema,
  pageOf,
  pageQuerySchema,
  teamSchema,
  updateMemberSchema,
  updateTeamSchema,
} from "@slipway/contracts";
import { z } from "zod";
import type { HttpApp } from "../../platform/http.ts";
import { decodeCursor } from "../../platform/pagination.ts";
import { contextOf, teamOf } from "../../platform/route-context.ts";
import {
  addMember,
  createTeam,
  deleteTeam,
  getTeam,
  leaveTeam,
  listMembers,
  listTeams,
  removeMember,
  type TeamsDeps,
  updateMemberRole,
  updateTeam,
} from "./teams.service.ts";

const teamParams = z.strictObject({ teamId: z.string().max(64) });
const memberParams = teamParams.extend({ userId: z.string().max(64) });
const tags = ["teams"];

export function registerTeamRoutes(app: HttpApp, deps: TeamsDeps) {
  app.get(
    "/api/v1/teams",
    {
      config: { access: "signed-in" },
      schema: { tags, summary: "List your teams", response: { 200: z.object({ items: z.array(teamSchema) }) } },
    },
    async (request) => ({ items: await listTeams(contextOf(request).actor, deps.db) }),
  );

  app.post(
    "/api/v1/teams",
    {
      config: { access: "session" },
      schema: {
        tags,
        summary: "Create a team; you become its owner",
        body: createTeamSchema,
        response: { 201: teamSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createTeam({ ctx: contextOf(request), input: request.body }, deps)),
  );

  app.get(
    "/api/v1/teams/:teamId",
    {
      config: { access: { team: "team:read" } },
      schema: { tags, summary: "Get a team", params: teamParams, response: { 200: teamSchema } },
    },
    async (request) => getTeam(teamOf(request), deps.db),
  );

  app.patch(
    "/api/v1/teams/:teamId",
    {
      config: { access: { team: "team:update" } },
      schema: {
        tags,
        summary: "Rename a team or change its slug",
        params: teamParams,
        body: updateTeamSchema,
        response: { 200: teamSchema },
      },
    },
    async (request) => updateTeam({ ctx: contextOf(request), access: teamOf(request), input: request.body }, deps),
  );

  app.delete(
    "/api/v1/teams/:teamId",
    {
      config: { access: { team: "team:delete" } },
      schema: { tags, summary: "Delete a team and everything in it", params: teamParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await deleteTeam({ ctx: contextOf(request), access: teamOf(request) }, deps);
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/api/v1/teams/:teamId/leave",
    {
      config: { access: { team: "team:read" } },
      schema: { tags, summary: "Leave a team", params: teamParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await leaveTeam({ ctx: contextOf(request), access: teamOf(request) }, deps);
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/api/v1/teams/:teamId/members",
    {
      config: { access: { team: "members:read" } },
      schema: {
        tags,
        summary: "List members",
        params: teamParams,
        querystring: pageQuerySchema,
        response: { 200: pageOf(memberSchema) },
      },
    },
    async (request) =>
      listMembers(
        { access: teamOf(request), limit: request.query.limit, cursor: decodeCursor(request.query.cursor) },
        deps.db,
      ),
  );

  app.post(
    "/api/v1/teams/:teamId/members",
    {
      config: { access: { team: "members:manage" } },
      schema: {
        tags,
        summary: "Add an account of this instance to the team",
        params: teamParams,
        body: addMemberSchema,
        response: { 201: memberSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await addMember({ ctx: contextOf(request), access: teamOf(request), input: request.body }, deps)),
  );

  app.patch(
    "/api/v1/teams/:teamId/members/:userId",
    {
      config: { access: { team: "members:manage" } },
      schema: {
        tags,
        summary: "Change a member's role",
        params: memberParams,
        body: updateMemberSchema,
        response: { 200: memberSchema },
      },
    },
    async (request) =>
      updateMemberRole(
        { ctx: contextOf(request), access: teamOf(request), userId: request.params.userId, role: request.body.role },
        deps,
      ),
  );

  app.delete(
    "/api/v1/teams/:teamId/members/:userId",
    {
      config: { access: { team: "members:manage" } },
      schema: { tags, summary: "Remove a member", params: memberParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await removeMember({ ctx: contextOf(request), access: teamOf(request), userId: request.params.userId }, deps);
      return reply.status(204).send(null);
    },
  );
}

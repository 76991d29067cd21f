import { createDomainSchema, domainSchema, updateDomainSchema } from "@slipway/contracts";
import { z } from "zod";
import type { HttpApp } from "../../platform/http.ts";
import { contextOf, teamOf } from "../../platform/route-context.ts";
import { projectParams } from "../projects/projects.routes.ts";
import {
  addDomain,
  type DomainsDeps,
  getDomain,
  listDomains,
  removeDomain,
  updateDomain,
  verifyDomain,
} from "./domains.service.ts";

const domainParams = projectParams.extend({ domainId: z.string().max(64) });
const tags = ["domains"];
const base = "/api/v1/teams/:teamId/projects/:projectId/domains";

export function registerDomainRoutes(app: HttpApp, deps: DomainsDeps) {
  function scopeOf(request: Parameters<typeof teamOf>[0] & { params: { projectId: string } }) {
    return { ctx: contextOf(request), teamId: teamOf(request).teamId, projectId: request.params.projectId };
  }

  app.get(
    base,
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags,
        summary: "The project's custom domains, with the DNS records each needs",
        params: projectParams,
        response: { 200: z.object({ items: z.array(domainSchema) }) },
      },
    },
    async (request) => ({
      items: await listDomains({ teamId: teamOf(request).teamId, projectId: request.params.projectId }, deps),
    }),
  );

  app.post(
    base,
    {
      config: { access: { team: "domains:manage" } },
      schema: {
        tags,
        summary: "Add a domain; it is served once a TXT record proves it is yours",
        params: projectParams,
        body: createDomainSchema,
        response: { 201: domainSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addDomain({ ...scopeOf(request), input: request.body }, deps)),
  );

  app.get(
    `${base}/:domainId`,
    {
      config: { access: { team: "projects:read" } },
      schema: { tags, summary: "One domain", params: domainParams, response: { 200: domainSchema } },
    },
    async (request) => getDomain({ ...request.params, teamId: teamOf(request).teamId }, deps),
  );

  app.patch(
    `${base}/:domainId`,
    {
      config: { access: { team: "domains:manage" } },
      schema: {
        tags,
        summary: "Change what a domain serves (production, a branch, a redirect) and its https redirect",
        params: domainParams,
        body: updateDomainSchema,
        response: { 200: domainSchema },
      },
    },
    async (request) =>
      updateDomain({ ...scopeOf(request), domainId: request.params.domainId, input: request.body }, deps),
  );

  app.post(
    `${base}/:domainId/verify`,
    {
      config: { access: { team: "domains:manage" } },
      schema: {
        tags,
        summary: "Look the domain's TXT proof and routing record up in DNS now",
        params: domainParams,
        response: { 200: domainSchema },
      },
    },
    async (request) => verifyDomain({ ...scopeOf(request), domainId: request.params.domainId }, deps),
  );

  app.delete(
    `${base}/:domainId`,
    {
      config: { access: { team: "domains:manage" } },
      schema: {
        tags,
        summary: "Remove a domain; the edge stops serving it",
        params: domainParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await removeDomain({ ...scopeOf(request), domainId: request.params.domainId }, deps);
      return reply.status(204).send(null);
    },
  );
}

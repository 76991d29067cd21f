import type { FastifyRequest } from "fastify";
import type { RequestContext, SignedInActor, TeamAccess } from "./access.ts";

/** The request's actor and address for a use case; only called behind a signed-in access check. */
export function contextOf(request: FastifyRequest): RequestContext {
  if (request.actor.type === "anonymous") throw new Error("contextOf called on an anonymous request");
  return { actor: request.actor as SignedInActor, ip: request.ip, requestId: request.id };
}

/** The team access the guard established; only called on routes declared `{ team: ... }`. */
export function teamOf(request: FastifyRequest): TeamAccess {
  if (!request.team) throw new Error("teamOf called on a route without team access");
  return request.team;
}

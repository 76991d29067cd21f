import type { BuiltInRole, Permission } from "@slipway/contracts";

/** Who is calling. A token acts for its creator, inside one team, with at most its scopes. */
export type Actor =
  | { type: "anonymous" }
  | { type: "user"; userId: string; email: string; sessionId: string }
  | {
      type: "token";
      userId: string;
      email: string;
      tokenId: string;
      tokenName: string;
      teamId: string;
      /** The creator's role in the token's team, read with the token: it caps the scopes. */
      role: BuiltInRole;
      scopes: readonly Permission[];
    };

export type SignedInActor = Exclude<Actor, { type: "anonymous" }>;

/** What the actor may do in the team a request is about. */
export type TeamAccess = {
  teamId: string;
  role: BuiltInRole;
  permissions: ReadonlySet<Permission>;
};

/** Everything a use case needs to know about the request that called it. */
export type RequestContext = {
  actor: SignedInActor;
  ip: string | null;
  requestId: string;
};

/**
 * Every route declares one of these; the app refuses to start a route that does not.
 * - `public`: anyone.
 * - `signed-in`: a session or an API token.
 * - `session`: a signed-in person in a browser or CLI session, never a token (creating teams, ...).
 * - `instance-owner`: the account that owns this Slipway instance.
 * - `{ team }`: the `:teamId` in the path must be a team the actor is in, with that permission.
 */
export type RouteAccess = "public" | "signed-in" | "session" | "instance-owner" | { team: Permission };

export function describeAccess(access: RouteAccess): string {
  return typeof access === "string" ? access : `team:${access.team}`;
}

export function actorLabel(actor: Actor): string | null {
  if (actor.type === "anonymous") return null;
  return actor.type === "token" ? `${actor.email} (token ${actor.tokenName})` : actor.email;
}

export function actorId(actor: Actor): string | null {
  if (actor.type === "anonymous") return null;
  return actor.type === "token" ? actor.tokenId : actor.userId;
}

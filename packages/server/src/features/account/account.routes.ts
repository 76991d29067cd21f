import { accountSessionSchema, meSchema, updateProfileSchema, userSchema } from "@slipway/contracts";
import { and, desc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import type { SignedInActor } from "../../platform/access.ts";
import { recordAudit } from "../../platform/audit.ts";
import type { Db } from "../../platform/db.ts";
import { notFound } from "../../platform/errors.ts";
import type { HttpApp } from "../../platform/http.ts";
import { contextOf } from "../../platform/route-context.ts";
import { sessions, users } from "../auth/auth.tables.ts";
import { instanceOwnerId } from "../system/system.service.ts";
import { listTeams } from "../teams/teams.service.ts";

async function loadUser(actor: SignedInActor, db: Db) {
  const row = (await db.select().from(users).where(eq(users.id, actor.userId)))[0];
  if (!row) throw notFound("account");
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    isInstanceOwner: (await instanceOwnerId(db)) === row.id,
    createdAt: row.createdAt.toISOString(),
  };
}

export function registerAccountRoutes(app: HttpApp, deps: { db: Db }) {
  const tags = ["account"];

  app.get(
    "/api/v1/me",
    {
      config: { access: "signed-in" },
      schema: { tags, summary: "Who you are and your teams", response: { 200: meSchema } },
    },
    async (request) => {
      const { actor } = contextOf(request);
      return {
        user: await loadUser(actor, deps.db),
        teams: await listTeams(actor, deps.db),
        token: actor.type === "token" ? { id: actor.tokenId, name: actor.tokenName, teamId: actor.teamId } : null,
      };
    },
  );

  app.patch(
    "/api/v1/me",
    {
      config: { access: "session" },
      schema: { tags, summary: "Change your display name", body: updateProfileSchema, response: { 200: userSchema } },
    },
    async (request) => {
      const ctx = contextOf(request);
      await deps.db.transaction(async (tx) => {
        await tx
          .update(users)
          .set({ name: request.body.name, updatedAt: new Date() })
          .where(eq(users.id, ctx.actor.userId));
        await recordAudit(tx, {
          actor: ctx.actor,
          ip: ctx.ip,
          teamId: null,
          action: "account.update",
          resource: { type: "account", id: ctx.actor.userId },
          result: "success",
        });
      });
      return loadUser(ctx.actor, deps.db);
    },
  );

  app.get(
    "/api/v1/me/sessions",
    {
      config: { access: "session" },
      schema: {
        tags,
        summary: "Your signed-in devices (session tokens are never returned)",
        response: { 200: z.object({ items: z.array(accountSessionSchema) }) },
      },
    },
    async (request) => {
      const { actor } = contextOf(request);
      const rows = await deps.db
        .select()
        .from(sessions)
        .where(and(eq(sessions.userId, actor.userId), gt(sessions.expiresAt, new Date())))
        .orderBy(desc(sessions.updatedAt));
      const currentId = actor.type === "user" ? actor.sessionId : null;
      return {
        items: rows.map((row) => ({
          id: row.id,
          ipAddress: row.ipAddress,
          userAgent: row.userAgent,
          createdAt: row.createdAt.toISOString(),
          expiresAt: row.expiresAt.toISOString(),
          isCurrent: row.id === currentId,
        })),
      };
    },
  );

  app.delete(
    "/api/v1/me/sessions/:sessionId",
    {
      config: { access: "session" },
      schema: {
        tags,
        summary: "Sign one of your devices out",
        params: z.strictObject({ sessionId: z.string().max(64) }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const ctx = contextOf(request);
      await deps.db.transaction(async (tx) => {
        const removed = await tx
          .delete(sessions)
          .where(and(eq(sessions.id, request.params.sessionId), eq(sessions.userId, ctx.actor.userId)))
          .returning({ id: sessions.id });
        if (removed.length === 0) throw notFound("session");
        await recordAudit(tx, {
          actor: ctx.actor,
          ip: ctx.ip,
          teamId: null,
          action: "account.session.revoke",
          resource: { type: "session", id: request.params.sessionId },
          result: "success",
        });
      });
      return reply.status(204).send(null);
    },
  );
}

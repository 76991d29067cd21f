import type { ApiToken, CreatedToken, CreateTokenInput, Permission } from "@slipway/contracts";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Actor, RequestContext, TeamAccess } from "../../platform/access.ts";
import { recordAudit } from "../../platform/audit.ts";
import type { Db } from "../../platform/db.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Outbox } from "../../platform/outbox.ts";
import { afterCursor, type Cursor, newestFirst, toPage } from "../../platform/pagination.ts";
import { users } from "../auth/auth.tables.ts";
import { asRole } from "../teams/roles.ts";
import { teamMembers } from "../teams/teams.tables.ts";
import { generateToken, hashToken, hasValidChecksum } from "./token-format.ts";
import { apiTokens } from "./tokens.tables.ts";

export type TokensDeps = { db: Db; outbox: Outbox };

type TokenRow = typeof apiTokens.$inferSelect;

function toApiToken(row: TokenRow, creatorEmail: string): ApiToken {
  return {
    id: row.id,
    name: row.name,
    start: row.start,
    scopes: row.scopes as Permission[],
    createdBy: { userId: row.userId, email: creatorEmail },
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export async function createToken(
  options: { ctx: RequestContext; access: TeamAccess; input: CreateTokenInput },
  deps: TokensDeps,
): Promise<CreatedToken> {
  const { ctx, access, input } = options;
  const scopes = [...new Set(input.scopes)];
  const beyond = scopes.filter((s) => !access.permissions.has(s));
  if (beyond.length > 0) {
    throw new AppError("forbidden", `a token cannot have scopes you do not have: ${beyond.join(", ")}`, {
      scopes: beyond,
    });
  }
  const secret = generateToken();
  const expiresAt = input.expiresInDays === null ? null : new Date(Date.now() + input.expiresInDays * 86_400_000);
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({
        id: newId("tok"),
        teamId: access.teamId,
        userId: ctx.actor.userId,
        name: input.name,
        hash: hashToken(secret),
        start: secret.slice(0, 8),
        scopes,
        expiresAt,
      })
      .returning();
    if (!row) throw new Error("token insert returned nothing");
    await recordAudit(tx, {
      actor: ctx.actor,
      ip: ctx.ip,
      teamId: access.teamId,
      action: "token.create",
      resource: { type: "token", id: row.id },
      result: "success",
      details: { name: row.name, scopes, expiresAt: expiresAt?.toISOString() ?? null },
    });
    await deps.outbox.emit(tx, { type: "token.created", teamId: access.teamId, payload: { tokenId: row.id } });
    return { token: toApiToken(row, ctx.actor.email), secret };
  });
}

export async function listTokens(options: { access: TeamAccess; limit: number; cursor: Cursor | undefined }, db: Db) {
  const rows = await db
    .select({ token: apiTokens, email: users.email })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.teamId, options.access.teamId), afterCursor(apiTokens, options.cursor)))
    .orderBy(...newestFirst(apiTokens))
    .limit(options.limit + 1);
  return toPage(
    rows,
    options.limit,
    (r) => toApiToken(r.token, r.email),
    (r) => r.token,
  );
}

export async function revokeToken(
  options: { ctx: RequestContext; access: TeamAccess; tokenId: string },
  deps: TokensDeps,
): Promise<void> {
  const { ctx, access, tokenId } = options;
  await deps.db.transaction(async (tx) => {
    const row = (
      await tx
        .select()
        .from(apiTokens)
        .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.teamId, access.teamId)))
    )[0];
    if (!row) throw notFound("token");
    if (row.userId !== ctx.actor.userId && !access.permissions.has("tokens:manage")) {
      throw new AppError("forbidden", "you need the tokens:manage permission to revoke someone else's token", {
        permission: "tokens:manage",
      });
    }
    if (row.revokedAt) return;
    await tx.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, tokenId));
    await recordAudit(tx, {
      actor: ctx.actor,
      ip: ctx.ip,
      teamId: access.teamId,
      action: "token.revoke",
      resource: { type: "token", id: tokenId },
      result: "success",
      details: { name: row.name },
    });
    await deps.outbox.emit(tx, { type: "token.revoked", teamId: access.teamId, payload: { tokenId } });
  });
}

const lastUsedResolutionMs = 60_000;

/**
 * Turns a bearer token into an actor, or null. Refused at once when revoked, expired, or when
 * its creator is no longer in the token's team. `lastUsedAt` is written at most once a minute.
 */
export async function authenticateToken(secret: string, db: Db): Promise<Actor | null> {
  if (!hasValidChecksum(secret)) return null;
  const row = (
    await db
      .select({ token: apiTokens, email: users.email, role: teamMembers.role })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .innerJoin(teamMembers, and(eq(teamMembers.teamId, apiTokens.teamId), eq(teamMembers.userId, apiTokens.userId)))
      .where(eq(apiTokens.hash, hashToken(secret)))
  )[0];
  if (!row) return null;
  const { token } = row;
  const now = new Date();
  if (token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return null;
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > lastUsedResolutionMs) {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(apiTokens.id, token.id),
          or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - lastUsedResolutionMs))),
        ),
      );
  }
  return {
    type: "token",
    userId: token.userId,
    email: row.email,
    tokenId: token.id,
    tokenName: token.name,
    teamId: token.teamId,
    role: asRole(row.role),
    scopes: token.scopes as Permission[],
  };
}

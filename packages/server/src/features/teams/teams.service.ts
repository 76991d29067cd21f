import {
  type AddMemberInput,
  type BuiltInRole,
  type CreateTeamInput,
  type Member,
  rolePermissions,
  type Team,
  type UpdateTeamInput,
} from "@slipway/contracts";
import { and, asc, count, desc, eq, inArray, ne } from "drizzle-orm";
import type { RequestContext, SignedInActor, TeamAccess } from "../../platform/access.ts";
import { recordAudit } from "../../platform/audit.ts";
import type { Db, Executor } from "../../platform/db.ts";
import { AppError, conflict, notFound } from "../../platform/errors.ts";
import { newId, randomText } from "../../platform/ids.ts";
import type { Outbox } from "../../platform/outbox.ts";
import { afterCursor, type Cursor, newestFirst, toPage } from "../../platform/pagination.ts";
import { slugify } from "../../platform/slug.ts";
import { users } from "../auth/auth.tables.ts";
import { asRole } from "./roles.ts";
import { teamMembers, teams } from "./teams.tables.ts";

export type TeamsDeps = { db: Db; outbox: Outbox };

type TeamRow = typeof teams.$inferSelect;

function toTeam(row: TeamRow, role: BuiltInRole, memberCount: number): Team {
  return {
    memberCount,
    id: row.id,
    slug: row.slug,
    name: row.name,
    isPersonal: row.isPersonal,
    role,
    permissions: [...rolePermissions[role]],
    createdAt: row.createdAt.toISOString(),
  };
}

const teamSlug = (name: string) => slugify(name, { maxLength: 36, fallback: "team" });

async function isSlugTaken(db: Executor, slug: string, exceptTeamId?: string): Promise<boolean> {
  const rows = await db
    .select({ id: teams.id })
    .from(teams)
    .where(exceptTeamId ? and(eq(teams.slug, slug), ne(teams.id, exceptTeamId)) : eq(teams.slug, slug));
  return rows.length > 0;
}

async function freeSlug(db: Executor, wanted: string): Promise<string> {
  if (!(await isSlugTaken(db, wanted))) return wanted;
  for (;;) {
    const candidate = `${wanted.slice(0, 40)}-${randomText(5)}`;
    if (!(await isSlugTaken(db, candidate))) return candidate;
  }
}

/** Called when an account is created: its personal team, with it as owner. */
export async function createPersonalTeam(
  user: { id: string; name: string; email: string },
  deps: TeamsDeps,
): Promise<Team> {
  return deps.db.transaction(async (tx) => {
    const slug = await freeSlug(tx, teamSlug(user.email.split("@")[0] ?? user.name));
    const [row] = await tx
      .insert(teams)
      .values({ id: newId("team"), slug, name: `${user.name || slug}'s projects`, isPersonal: true })
      .returning();
    if (!row) throw new Error("team insert returned nothing");
    await tx.insert(teamMembers).values({ teamId: row.id, userId: user.id, role: "owner" });
    await recordAudit(tx, {
      actor: { type: "system" },
      ip: null,
      teamId: row.id,
      action: "team.create",
      resource: { type: "team", id: row.id },
      result: "success",
      details: { name: row.name, slug: row.slug, personal: true, for: user.email },
    });
    await deps.outbox.emit(tx, { type: "team.created", teamId: row.id, payload: { teamId: row.id, personal: true } });
    return toTeam(row, "owner", 1);
  });
}

export async function createTeam(
  options: { ctx: RequestContext; input: CreateTeamInput },
  deps: TeamsDeps,
): Promise<Team> {
  const { ctx, input } = options;
  return deps.db.transaction(async (tx) => {
    let slug: string;
    if (input.slug) {
      if (await isSlugTaken(tx, input.slug)) throw conflict(`the slug "${input.slug}" is taken`, { field: "slug" });
      slug = input.slug;
    } else {
      slug = await freeSlug(tx, teamSlug(input.name));
    }
    const [row] = await tx
      .insert(teams)
      .values({ id: newId("team"), slug, name: input.name })
      .returning();
    if (!row) throw new Error("team insert returned nothing");
    await tx.insert(teamMembers).values({ teamId: row.id, userId: ctx.actor.userId, role: "owner" });
    await recordAudit(tx, {
      actor: ctx.actor,
      ip: ctx.ip,
      teamId: row.id,
      action: "team.create",
      resource: { type: "team", id: row.id },
      result: "success",
      details: { name: row.name, slug: row.slug },
    });
    await deps.outbox.emit(tx, { type: "team.created", teamId: row.id, payload: { teamId: row.id, personal: false } });
    return toTeam(row, "owner", 1);
  });
}

async function memberCounts(db: Executor, teamIds: string[]): Promise<Map<string, number>> {
  if (teamIds.length === 0) return new Map();
  const rows = await db
    .select({ teamId: teamMembers.teamId, n: count() })
    .from(teamMembers)
    .where(inArray(teamMembers.teamId, teamIds))
    .groupBy(teamMembers.teamId);
  return new Map(rows.map((r) => [r.teamId, r.n]));
}

/** The teams an actor can see: all of a person's, or the one team of a token. */
export async function listTeams(actor: SignedInActor, db: Db): Promise<Team[]> {
  const rows = await db
    .select({ team: teams, role: teamMembers.role })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(
      actor.type === "token"
        ? and(eq(teamMembers.userId, actor.userId), eq(teamMembers.teamId, actor.teamId))
        : eq(teamMembers.userId, actor.userId),
    )
    // Personal team first, then by name.
    .orderBy(desc(teams.isPersonal), asc(teams.name));
  const counts = await memberCounts(
    db,
    rows.map((r) => r.team.id),
  );
  return rows.map((r) => {
    const team = toTeam(r.team, asRole(r.role), counts.get(r.team.id) ?? 0);
    return actor.type === "token"
      ? { ...team, permissions: team.permissions.filter((p) => actor.scopes.includes(p)) }
      : team;
  });
}

/** What an actor may do in a team; null when the team is not theirs to see. */
export async function resolveTeamAccess(actor: SignedInActor, teamId: string, db: Db): Promise<TeamAccess | null> {
  if (actor.type === "token") {
    if (actor.teamId !== teamId) return null;
    // A token never has more than its creator has now.
    const granted = rolePermissions[actor.role].filter((p) => actor.scopes.includes(p));
    return { teamId, role: actor.role, permissions: new Set(granted) };
  }
  const row = (
    await db
      .select({ role: teamMembers.role })
      .from(teamMembers)
      .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, actor.userId)))
  )[0];
  if (!row) return null;
  const role = asRole(row.role);
  return { teamId, role, permissions: new Set(rolePermissions[role]) };
}

export async function getTeam(access: TeamAccess, db: Db): Promise<Team> {
  const row = (await db.select().from(teams).where(eq(teams.id, access.teamId)))[0];
  if (!row) throw notFound("team");
  const counts = await memberCounts(db, [row.id]);
  return { ...toTeam(row, access.role, counts.get(row.id) ?? 0), permissions: [...access.permissions] };
}

function audit(
  tx: Executor,
  ctx: RequestContext,
  teamId: string,
  action: string,
  resource: { type: string; id: string },
  details?: Record<string, unknown>,
) {
  return recordAudit(tx, {
    actor: ctx.actor,
    ip: ctx.ip,
    teamId,
    action,
    resource,
    result: "success",
    ...(details ? { details } : {}),
  });
}

export async function updateTeam(
  options: { ctx: RequestContext; access: TeamAccess; input: UpdateTeamInput },
  deps: TeamsDeps,
): Promise<Team> {
  const { ctx, access, input } = options;
  return deps.db.transaction(async (tx) => {
    if (input.slug && (await isSlugTaken(tx, input.slug, access.teamId))) {
      throw conflict(`the slug "${input.slug}" is taken`, { field: "slug" });
    }
    const [row] = await tx
      .update(teams)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(teams.id, access.teamId))
      .returning();
    if (!row) throw notFound("team");
    await audit(tx, ctx, access.teamId, "team.update", { type: "team", id: access.teamId }, { ...input });
    await deps.outbox.emit(tx, {
      type: "team.updated",
      teamId: access.teamId,
      payload: { teamId: access.teamId, ...input },
    });
    const counts = await memberCounts(tx, [row.id]);
    return { ...toTeam(row, access.role, counts.get(row.id) ?? 0), permissions: [...access.permissions] };
  });
}

export async function deleteTeam(options: { ctx: RequestContext; access: TeamAccess }, deps: TeamsDeps): Promise<void> {
  const { ctx, access } = options;
  await deps.db.transaction(async (tx) => {
    const row = (await tx.select().from(teams).where(eq(teams.id, access.teamId)))[0];
    if (!row) throw notFound("team");
    if (row.isPersonal) throw conflict("a personal team cannot be deleted");
    await tx.delete(teams).where(eq(teams.id, access.teamId));
    await audit(tx, ctx, access.teamId, "team.delete", { type: "team", id: access.teamId }, { name: row.name });
    await deps.outbox.emit(tx, { type: "team.deleted", teamId: access.teamId, payload: { teamId: access.teamId } });
  });
}

async function ownerCount(tx: Executor, teamId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.role, "owner")));
  return row?.n ?? 0;
}

const memberColumns = {
  userId: users.id,
  email: users.email,
  name: users.name,
  role: teamMembers.role,
  joinedAt: teamMembers.createdAt,
};

function selectMembers(db: Executor) {
  return db.select(memberColumns).from(teamMembers).innerJoin(users, eq(users.id, teamMembers.userId));
}

function toMember(row: { userId: string; email: string; name: string; role: string; joinedAt: Date }): Member {
  return {
    userId: row.userId,
    email: row.email,
    name: row.name,
    role: asRole(row.role),
    joinedAt: row.joinedAt.toISOString(),
  };
}

async function memberRow(tx: Executor, teamId: string, userId: string) {
  const [row] = await selectMembers(tx).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
  return row ? toMember(row) : null;
}

/** Members, most recently joined first. */
export async function listMembers(options: { access: TeamAccess; limit: number; cursor: Cursor | undefined }, db: Db) {
  const columns = { createdAt: teamMembers.createdAt, id: teamMembers.userId };
  const rows = await selectMembers(db)
    .where(and(eq(teamMembers.teamId, options.access.teamId), afterCursor(columns, options.cursor)))
    .orderBy(...newestFirst(columns))
    .limit(options.limit + 1);
  return toPage(rows, options.limit, toMember, (row) => ({ createdAt: row.joinedAt, id: row.userId }));
}

/** Only an owner hands out or takes away the owner role. */
function assertMayAssign(access: TeamAccess, from: BuiltInRole | null, to: BuiltInRole | null): void {
  if ((from === "owner" || to === "owner") && access.role !== "owner") {
    throw new AppError("forbidden", "only an owner can grant or change the owner role");
  }
}

export async function addMember(
  options: { ctx: RequestContext; access: TeamAccess; input: AddMemberInput },
  deps: TeamsDeps,
): Promise<Member> {
  const { ctx, access, input } = options;
  assertMayAssign(access, null, input.role);
  return deps.db.transaction(async (tx) => {
    const user = (await tx.select().from(users).where(eq(users.email, input.email.toLowerCase())))[0];
    if (!user) throw notFound(`an account with the email ${input.email}`);
    if (await memberRow(tx, access.teamId, user.id)) throw conflict(`${input.email} is already a member`);
    await tx.insert(teamMembers).values({ teamId: access.teamId, userId: user.id, role: input.role });
    await audit(
      tx,
      ctx,
      access.teamId,
      "member.add",
      { type: "member", id: user.id },
      { email: user.email, role: input.role },
    );
    await deps.outbox.emit(tx, {
      type: "member.added",
      teamId: access.teamId,
      payload: { userId: user.id, role: input.role },
    });
    const member = await memberRow(tx, access.teamId, user.id);
    if (!member) throw new Error("member vanished");
    return member;
  });
}

export async function updateMemberRole(
  options: { ctx: RequestContext; access: TeamAccess; userId: string; role: BuiltInRole },
  deps: TeamsDeps,
): Promise<Member> {
  const { ctx, access, userId, role } = options;
  return deps.db.transaction(async (tx) => {
    const current = await memberRow(tx, access.teamId, userId);
    if (!current) throw notFound("member");
    assertMayAssign(access, current.role, role);
    if (current.role === "owner" && role !== "owner" && (await ownerCount(tx, access.teamId)) <= 1) {
      throw conflict("a team needs at least one owner; make someone else owner first");
    }
    await tx
      .update(teamMembers)
      .set({ role })
      .where(and(eq(teamMembers.teamId, access.teamId), eq(teamMembers.userId, userId)));
    await audit(
      tx,
      ctx,
      access.teamId,
      "member.role.update",
      { type: "member", id: userId },
      { from: current.role, to: role },
    );
    await deps.outbox.emit(tx, {
      type: "member.role_changed",
      teamId: access.teamId,
      payload: { userId, from: current.role, to: role },
    });
    return { ...current, role };
  });
}

async function removeMembership(
  tx: Executor,
  options: { ctx: RequestContext; teamId: string; userId: string; action: string },
  deps: TeamsDeps,
): Promise<void> {
  const team = (await tx.select().from(teams).where(eq(teams.id, options.teamId)))[0];
  if (!team) throw notFound("team");
  const current = await memberRow(tx, options.teamId, options.userId);
  if (!current) throw notFound("member");
  if (team.isPersonal) throw conflict("no one can leave or be removed from a personal team");
  if (current.role === "owner" && (await ownerCount(tx, options.teamId)) <= 1) {
    throw conflict("the last owner cannot leave; make someone else owner or delete the team");
  }
  await tx
    .delete(teamMembers)
    .where(and(eq(teamMembers.teamId, options.teamId), eq(teamMembers.userId, options.userId)));
  await audit(
    tx,
    options.ctx,
    options.teamId,
    options.action,
    { type: "member", id: options.userId },
    { email: current.email },
  );
  await deps.outbox.emit(tx, { type: "member.removed", teamId: options.teamId, payload: { userId: options.userId } });
}

export async function removeMember(
  options: { ctx: RequestContext; access: TeamAccess; userId: string },
  deps: TeamsDeps,
): Promise<void> {
  const { ctx, access, userId } = options;
  await deps.db.transaction(async (tx) => {
    const current = await memberRow(tx, access.teamId, userId);
    if (current) assertMayAssign(access, current.role, null);
    await removeMembership(tx, { ctx, teamId: access.teamId, userId, action: "member.remove" }, deps);
  });
}

export async function leaveTeam(options: { ctx: RequestContext; access: TeamAccess }, deps: TeamsDeps): Promise<void> {
  const { ctx, access } = options;
  await deps.db.transaction((tx) =>
    removeMembership(tx, { ctx, teamId: access.teamId, userId: ctx.actor.userId, action: "member.leave" }, deps),
  );
}

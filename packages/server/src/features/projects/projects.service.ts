import { randomBytes } from "node:crypto";
import {
  type BuildLimitsInput,
  type BuildSettingsInput,
  type CreateProjectInput,
  type DeploymentPreferences,
  defaultBuildLimits,
  defaultDeploymentPreferences,
  defaultRuntimeSettings,
  type Project,
  type RuntimeSettings,
  type UpdateProjectInput,
} from "@slipway/contracts";
import { and, eq } from "drizzle-orm";
import type { RequestContext, TeamAccess } from "../../platform/access.ts";
import { recordAudit } from "../../platform/audit.ts";
import type { Db, Executor } from "../../platform/db.ts";
import { badRequest, conflict, notFound } from "../../platform/errors.ts";
import { newId, randomText } from "../../platform/ids.ts";
import type { Outbox } from "../../platform/outbox.ts";
import { afterCursor, type Cursor, newestFirst, toPage } from "../../platform/pagination.ts";
import type { Secrets } from "../../platform/secrets.ts";
import { slugify } from "../../platform/slug.ts";
import { deployments } from "../deployments/deployments.tables.ts";
import { type EdgeAddress, productionHost, urlOf } from "../deployments/hostnames.ts";
import { projects } from "./projects.tables.ts";

export type ProjectsDeps = { db: Db; outbox: Outbox; secrets: Secrets; edge: EdgeAddress };

export type ProjectRow = typeof projects.$inferSelect;

/** What the project fixed, and what detection last proposed; the effective settings are both merged. */
export type StoredSettings = { overrides: Partial<BuildSettingsInput>; detected: BuildSettingsInput | null };

export const fallbackSettings: BuildSettingsInput = {
  framework: "static",
  installCommand: null,
  buildCommand: null,
  outputDir: ".",
  spaFallback: false,
  nodeVersion: String(process.versions.node.split(".")[0]),
  preBuildHook: null,
  postBuildHook: null,
  startCommand: null,
};

export function storedSettings(row: ProjectRow): StoredSettings {
  const s = row.settings as Partial<StoredSettings>;
  return { overrides: s.overrides ?? {}, detected: s.detected ?? null };
}

export function effectiveSettings(row: ProjectRow): BuildSettingsInput {
  const { overrides, detected } = storedSettings(row);
  return { ...fallbackSettings, ...detected, ...overrides };
}

export function limitsOf(row: ProjectRow): BuildLimitsInput {
  return { memoryMb: row.memoryMb, cpus: row.cpus, pids: row.pids, timeoutSeconds: row.timeoutSeconds };
}

/** Stored as jsonb: fields added later get their defaults. */
export function runtimeOf(row: ProjectRow): RuntimeSettings {
  return { ...defaultRuntimeSettings, ...(row.runtime as Partial<RuntimeSettings>) };
}

export function preferencesOf(row: ProjectRow): DeploymentPreferences {
  return { ...defaultDeploymentPreferences, ...(row.preferences as Partial<DeploymentPreferences>) };
}

const webhookSealFor = (projectId: string) => `project:${projectId}:webhook`;

export function webhookSecretOf(row: ProjectRow, secrets: Secrets): string {
  return secrets.open(row.webhookSecretSealed, webhookSealFor(row.id));
}

export async function toProject(row: ProjectRow, deps: Pick<ProjectsDeps, "db" | "edge">): Promise<Project> {
  const production = row.productionDeploymentId
    ? (
        await deps.db
          .select({ createdAt: deployments.createdAt })
          .from(deployments)
          .where(eq(deployments.id, row.productionDeploymentId))
      )[0]
    : undefined;
  return {
    id: row.id,
    teamId: row.teamId,
    name: row.name,
    slug: row.slug,
    git: row.gitUrl ? { url: row.gitUrl, branch: row.gitBranch ?? row.productionBranch, rootDir: row.rootDir } : null,
    productionBranch: row.productionBranch,
    settings: effectiveSettings(row),
    limits: limitsOf(row),
    runtime: runtimeOf(row),
    preferences: preferencesOf(row),
    productionUrl: urlOf(productionHost(row.slug, deps.edge), deps.edge),
    productionDeploymentId: row.productionDeploymentId,
    hasPendingEnvChanges: Boolean(production && row.envChangedAt && row.envChangedAt > production.createdAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const projectSlug = (name: string) => slugify(name, { maxLength: 32, fallback: "project" });

async function isSlugTaken(db: Executor, slug: string) {
  return (await db.select({ id: projects.id }).from(projects).where(eq(projects.slug, slug))).length > 0;
}

/** Finds a project of the team, or 404: a project of another team does not exist for this caller. */
export async function loadProject(teamId: string, projectId: string, db: Executor): Promise<ProjectRow> {
  const [row] = await db
    .select()
    .from(projects)
    .where(and(eq(projects.id, projectId), eq(projects.teamId, teamId)));
  if (!row) throw notFound("project");
  return row;
}

function audit(
  tx: Executor,
  ctx: RequestContext,
  teamId: string,
  action: string,
  projectId: string,
  details?: Record<string, unknown>,
) {
  return recordAudit(tx, {
    actor: ctx.actor,
    ip: ctx.ip,
    teamId,
    action,
    resource: { type: "project", id: projectId },
    result: "success",
    ...(details ? { details } : {}),
  });
}

export async function createProject(
  options: { ctx: RequestContext; access: TeamAccess; input: CreateProjectInput; detected: BuildSettingsInput | null },
  deps: ProjectsDeps,
): Promise<Project> {
  const { ctx, access, input } = options;
  const row = await deps.db.transaction(async (tx) => {
    let slug = input.slug ?? projectSlug(input.name);
    if (await isSlugTaken(tx, slug)) {
      if (input.slug) throw conflict(`the project name "${slug}" is taken on this instance`, { field: "slug" });
      do slug = `${projectSlug(input.name)}-${randomText(6)}`;
      while (await isSlugTaken(tx, slug));
    }
    const id = newId("prj");
    const limits = { ...defaultBuildLimits, ...input.limits };
    const settings: StoredSettings = { overrides: input.settings ?? {}, detected: options.detected };
    const [created] = await tx
      .insert(projects)
      .values({
        id,
        teamId: access.teamId,
        name: input.name,
        slug,
        gitUrl: input.git?.url ?? null,
        gitBranch: input.git?.branch ?? null,
        rootDir: input.git?.rootDir ?? "",
        productionBranch: input.git?.branch ?? "main",
        settings,
        ...limits,
        webhookSecretSealed: deps.secrets.seal(randomBytes(24).toString("hex"), webhookSealFor(id)),
      })
      .returning();
    if (!created) throw new Error("project insert returned nothing");
    await audit(tx, ctx, access.teamId, "project.create", id, { name: input.name, slug, git: input.git?.url ?? null });
    await deps.outbox.emit(tx, { type: "project.created", teamId: access.teamId, payload: { projectId: id } });
    return created;
  });
  return toProject(row, deps);
}

export async function listProjects(
  options: { access: TeamAccess; limit: number; cursor: Cursor | undefined; slug?: string | undefined },
  deps: ProjectsDeps,
) {
  const rows = await deps.db
    .select()
    .from(projects)
    .where(
      and(
        eq(projects.teamId, options.access.teamId),
        options.slug ? eq(projects.slug, options.slug) : undefined,
        afterCursor(projects, options.cursor),
      ),
    )
    .orderBy(...newestFirst(projects))
    .limit(options.limit + 1);
  const page = toPage(rows, options.limit, (row) => row);
  return { items: await Promise.all(page.items.map((row) => toProject(row, deps))), nextCursor: page.nextCursor };
}

export async function updateProject(
  options: { ctx: RequestContext; access: TeamAccess; projectId: string; input: UpdateProjectInput },
  deps: ProjectsDeps,
): Promise<Project> {
  const { ctx, access, input } = options;
  const row = await deps.db.transaction(async (tx) => {
    const current = await loadProject(access.teamId, options.projectId, tx);
    const stored = storedSettings(current);
    const limits = { ...limitsOf(current), ...input.limits };
    const runtime = { ...runtimeOf(current), ...input.runtime };
    if (runtime.minInstances > runtime.maxInstances)
      throw badRequest("runtime.minInstances must not be above runtime.maxInstances");
    const [updated] = await tx
      .update(projects)
      .set({
        ...(input.name ? { name: input.name } : {}),
        ...(input.git !== undefined
          ? { gitUrl: input.git?.url ?? null, gitBranch: input.git?.branch ?? null, rootDir: input.git?.rootDir ?? "" }
          : {}),
        ...(input.productionBranch ? { productionBranch: input.productionBranch } : {}),
        settings: { ...stored, overrides: { ...stored.overrides, ...input.settings } },
        ...limits,
        runtime,
        preferences: { ...preferencesOf(current), ...input.preferences },
        updatedAt: new Date(),
      })
      .where(eq(projects.id, current.id))
      .returning();
    if (!updated) throw notFound("project");
    await audit(tx, ctx, access.teamId, "project.update", current.id, { fields: Object.keys(input) });
    await deps.outbox.emit(tx, { type: "project.updated", teamId: access.teamId, payload: { projectId: current.id } });
    return updated;
  });
  return toProject(row, deps);
}

/** Remembers what detection proposed at the last build, so the settings page shows what builds use. */
export async function recordDetectedSettings(projectId: string, detected: BuildSettingsInput, db: Executor) {
  const [row] = await db.select().from(projects).where(eq(projects.id, projectId));
  if (!row) return;
  await db
    .update(projects)
    .set({ settings: { ...storedSettings(row), detected } })
    .where(eq(projects.id, projectId));
}

export async function deleteProject(
  options: { ctx: RequestContext; access: TeamAccess; projectId: string },
  deps: ProjectsDeps,
) {
  const { ctx, access } = options;
  await deps.db.transaction(async (tx) => {
    const current = await loadProject(access.teamId, options.projectId, tx);
    await tx.delete(projects).where(eq(projects.id, current.id));
    await audit(tx, ctx, access.teamId, "project.delete", current.id, { name: current.name, slug: current.slug });
    await deps.outbox.emit(tx, { type: "project.deleted", teamId: access.teamId, payload: { projectId: current.id } });
  });
}

import type { Deployment, DeploymentRuntime } from "@slipway/contracts";
import { and, desc, eq, inArray, ne } from "drizzle-orm";
import type { RequestContext, TeamAccess } from "../../platform/access.ts";
import { recordAudit } from "../../platform/audit.ts";
import type { Db, Executor } from "../../platform/db.ts";
import { conflict, notFound } from "../../platform/errors.ts";
import { newId, randomText } from "../../platform/ids.ts";
import type { Outbox } from "../../platform/outbox.ts";
import { afterCursor, type Cursor, newestFirst, toPage } from "../../platform/pagination.ts";
import { loadProject, type ProjectRow } from "../projects/projects.service.ts";
import { projects } from "../projects/projects.tables.ts";
import { branchAliases, deployments, promotions } from "./deployments.tables.ts";
import { branchAliasHost, branchSlug, deploymentHost, type EdgeAddress, productionHost, urlOf } from "./hostnames.ts";

export type DeploymentsDeps = {
  db: Db;
  outbox: Outbox;
  edge: EdgeAddress;
  /** What an app deployment's instances are doing on this node. */
  runtimeOf?(deploymentId: string): DeploymentRuntime;
};
type DeploymentRow = typeof deployments.$inferSelect;
type ViewDeps = Pick<DeploymentsDeps, "edge" | "runtimeOf">;

function toDeployment(row: DeploymentRow, project: ProjectRow, aliasSlugs: string[], deps: ViewDeps): Deployment {
  const { edge } = deps;
  const isProduction = project.productionDeploymentId === row.id;
  const aliases = [
    ...(isProduction ? [urlOf(productionHost(project.slug, edge), edge)] : []),
    ...aliasSlugs.map((slug) => urlOf(branchAliasHost(project.slug, slug, edge), edge)),
  ];
  return {
    id: row.id,
    projectId: row.projectId,
    buildId: row.buildId,
    environment: row.environment as Deployment["environment"],
    branch: row.branch,
    commitSha: row.commitSha,
    status: "ready",
    kind: row.kind === "app" ? "app" : "static",
    runtime: row.kind === "app" ? (deps.runtimeOf?.(row.id) ?? null) : null,
    url: urlOf(deploymentHost(row.label, project.slug, edge), edge),
    aliases,
    isProduction,
    files: row.files,
    bytes: row.bytes,
    createdAt: row.createdAt.toISOString(),
  };
}

async function aliasesOf(db: Executor, deploymentIds: string[]) {
  if (deploymentIds.length === 0) return new Map<string, string[]>();
  const rows = await db.select().from(branchAliases).where(inArray(branchAliases.deploymentId, deploymentIds));
  const map = new Map<string, string[]>();
  for (const row of rows) map.set(row.deploymentId, [...(map.get(row.deploymentId) ?? []), row.branchSlug]);
  return map;
}

export async function viewDeployment(
  id: string,
  deps: Pick<DeploymentsDeps, "db" | "edge" | "runtimeOf">,
): Promise<Deployment | null> {
  const [row] = await deps.db.select().from(deployments).where(eq(deployments.id, id));
  if (!row) return null;
  const [project] = await deps.db.select().from(projects).where(eq(projects.id, row.projectId));
  if (!project) return null;
  return toDeployment(row, project, (await aliasesOf(deps.db, [row.id])).get(row.id) ?? [], deps);
}

/**
 * Makes the immutable deployment of a successful build, points the branch's preview alias at
 * it and, for the production branch, moves production to it — in the build's transaction.
 */
export async function createDeploymentFromBuild(
  tx: Executor,
  options: {
    build: {
      id: string;
      teamId: string;
      projectId: string;
      environment: string;
      branch: string | null;
      commitSha: string | null;
    };
    artifact: { hash: string; files: number; bytes: number };
    spaFallback: boolean;
    /** A server app: its id was chosen when its instances were started, before this row. */
    app?: { deploymentId: string; startCommand: string; envSealed: string };
    /** Its `api/` functions: the id was chosen to seal their env (the app's, when it is one). */
    functions?: { deploymentId: string; envSealed: string; list: DeploymentRow["functions"] };
  },
  deps: Pick<DeploymentsDeps, "outbox">,
): Promise<DeploymentRow> {
  const { build } = options;
  const [row] = await tx
    .insert(deployments)
    .values({
      id: options.app?.deploymentId ?? options.functions?.deploymentId ?? newId("dpl"),
      label: randomText(9),
      teamId: build.teamId,
      projectId: build.projectId,
      buildId: build.id,
      environment: build.environment,
      branch: build.branch,
      commitSha: build.commitSha,
      artifactHash: options.artifact.hash,
      spaFallback: options.spaFallback,
      kind: options.app ? "app" : "static",
      startCommand: options.app?.startCommand ?? null,
      envSealed: options.app?.envSealed ?? options.functions?.envSealed ?? null,
      functions: options.functions?.list ?? null,
      files: options.artifact.files,
      bytes: options.artifact.bytes,
    })
    .returning();
  if (!row) throw new Error("deployment insert returned nothing");
  if (build.branch) {
    const slug = branchSlug(build.branch);
    await tx
      .delete(branchAliases)
      .where(and(eq(branchAliases.projectId, build.projectId), eq(branchAliases.branchSlug, slug)));
    await tx.insert(branchAliases).values({ projectId: build.projectId, branchSlug: slug, deploymentId: row.id });
  }
  await deps.outbox.emit(tx, {
    type: "deployment.ready",
    teamId: build.teamId,
    payload: { deploymentId: row.id, buildId: build.id },
  });
  if (build.environment === "production")
    await setProduction(
      tx,
      { projectId: build.projectId, teamId: build.teamId, deploymentId: row.id, reason: "build" },
      deps,
    );
  return row;
}

async function setProduction(
  tx: Executor,
  options: { projectId: string; teamId: string; deploymentId: string; reason: "build" | "promote" | "rollback" },
  deps: Pick<DeploymentsDeps, "outbox">,
) {
  await tx
    .update(projects)
    .set({ productionDeploymentId: options.deploymentId })
    .where(eq(projects.id, options.projectId));
  await tx.insert(promotions).values({
    id: newId("prm"),
    projectId: options.projectId,
    deploymentId: options.deploymentId,
    reason: options.reason,
  });
  await deps.outbox.emit(tx, {
    type: "deployment.promoted",
    teamId: options.teamId,
    payload: { projectId: options.projectId, deploymentId: options.deploymentId, reason: options.reason },
  });
}

export async function listDeployments(
  options: { access: TeamAccess; projectId: string; limit: number; cursor: Cursor | undefined },
  deps: DeploymentsDeps,
) {
  const project = await loadProject(options.access.teamId, options.projectId, deps.db);
  const rows = await deps.db
    .select()
    .from(deployments)
    .where(and(eq(deployments.projectId, project.id), afterCursor(deployments, options.cursor)))
    .orderBy(...newestFirst(deployments))
    .limit(options.limit + 1);
  const aliases = await aliasesOf(
    deps.db,
    rows.map((r) => r.id),
  );
  return toPage(rows, options.limit, (row) => toDeployment(row, project, aliases.get(row.id) ?? [], deps));
}

export async function loadDeployment(teamId: string, deploymentId: string, db: Executor) {
  const [row] = await db
    .select()
    .from(deployments)
    .where(and(eq(deployments.id, deploymentId), eq(deployments.teamId, teamId)));
  if (!row) throw notFound("deployment");
  return row;
}

export async function getDeployment(options: { access: TeamAccess; deploymentId: string }, deps: DeploymentsDeps) {
  const row = await loadDeployment(options.access.teamId, options.deploymentId, deps.db);
  const view = await viewDeployment(row.id, deps);
  if (!view) throw notFound("deployment");
  return view;
}

/** Points production at any ready deployment of the project, at once. */
export async function promoteDeployment(
  options: { ctx: RequestContext; access: TeamAccess; deploymentId: string; reason?: "promote" | "rollback" },
  deps: DeploymentsDeps,
): Promise<Deployment> {
  const { ctx, access } = options;
  const reason = options.reason ?? "promote";
  await deps.db.transaction(async (tx) => {
    const row = await loadDeployment(access.teamId, options.deploymentId, tx);
    const project = await loadProject(access.teamId, row.projectId, tx);
    if (project.productionDeploymentId === row.id) throw conflict("this deployment is already in production");
    await setProduction(tx, { projectId: project.id, teamId: access.teamId, deploymentId: row.id, reason }, deps);
    await recordAudit(tx, {
      actor: ctx.actor,
      ip: ctx.ip,
      teamId: access.teamId,
      action: reason === "rollback" ? "deployment.rollback" : "deployment.promote",
      resource: { type: "deployment", id: row.id },
      result: "success",
      details: { projectId: project.id, from: project.productionDeploymentId },
    });
  });
  return getDeployment({ access, deploymentId: options.deploymentId }, deps);
}

/** Production goes back to the deployment it served before the current one. */
export async function rollbackProduction(
  options: { ctx: RequestContext; access: TeamAccess; projectId: string },
  deps: DeploymentsDeps,
): Promise<Deployment> {
  const project = await loadProject(options.access.teamId, options.projectId, deps.db);
  if (!project.productionDeploymentId) throw conflict("nothing is in production yet");
  const [previous] = await deps.db
    .select({ deploymentId: promotions.deploymentId })
    .from(promotions)
    .innerJoin(deployments, eq(deployments.id, promotions.deploymentId))
    .where(and(eq(promotions.projectId, project.id), ne(promotions.deploymentId, project.productionDeploymentId)))
    .orderBy(desc(promotions.createdAt))
    .limit(1);
  if (!previous) throw conflict("there is no earlier production deployment to roll back to");
  return promoteDeployment({ ...options, deploymentId: previous.deploymentId, reason: "rollback" }, deps);
}

export type StaticRoute = {
  host: string;
  deploymentId: string;
  kind: "static" | "app";
  artifactHash: string;
  spaFallback: boolean;
};

export type LoadedRoutes = {
  routes: StaticRoute[];
  /** Every deployment with its project, as read for the routes (the app runtime plans from them too). */
  deployments: { deployment: DeploymentRow; project: ProjectRow }[];
  /** Deployments a branch preview host points at. */
  aliasedIds: Set<string>;
};

/** Every hostname the edge should answer, from the store; the edge keeps it in memory. */
export async function loadRoutes(deps: Pick<DeploymentsDeps, "db" | "edge">): Promise<LoadedRoutes> {
  const rows = await deps.db
    .select({ deployment: deployments, project: projects })
    .from(deployments)
    .innerJoin(projects, eq(projects.id, deployments.projectId));
  const aliases = await deps.db.select().from(branchAliases);
  const byId = new Map(rows.map((r) => [r.deployment.id, r]));
  const routes: StaticRoute[] = [];
  const route = (host: string, d: DeploymentRow) =>
    routes.push({
      host,
      deploymentId: d.id,
      kind: d.kind === "app" ? "app" : "static",
      artifactHash: d.artifactHash,
      spaFallback: d.spaFallback,
    });
  for (const { deployment, project } of rows) {
    route(deploymentHost(deployment.label, project.slug, deps.edge), deployment);
    if (project.productionDeploymentId === deployment.id) route(productionHost(project.slug, deps.edge), deployment);
  }
  for (const alias of aliases) {
    const target = byId.get(alias.deploymentId);
    if (target) route(branchAliasHost(target.project.slug, alias.branchSlug, deps.edge), target.deployment);
  }
  return { routes, deployments: rows, aliasedIds: new Set(aliases.map((a) => a.deploymentId)) };
}

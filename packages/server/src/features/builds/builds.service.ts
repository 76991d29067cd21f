import type { Build, BuildAnalytics } from "@slipway/contracts";
import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Actor, RequestContext, TeamAccess } from "../../platform/access.ts";
import { actorId, actorLabel } from "../../platform/access.ts";
import { recordAudit } from "../../platform/audit.ts";
import type { Db, Executor } from "../../platform/db.ts";
import { badRequest, conflict, notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Outbox } from "../../platform/outbox.ts";
import { afterCursor, type Cursor, newestFirst, toPage } from "../../platform/pagination.ts";
import type { JobDefinition, Queue } from "../../platform/queue.ts";
import { viewDeployment } from "../deployments/deployments.service.ts";
import type { EdgeAddress } from "../deployments/hostnames.ts";
import { loadProject, type ProjectRow } from "../projects/projects.service.ts";
import { projects } from "../projects/projects.tables.ts";
import type { BuildLogs } from "./build-logs.ts";
import { type BuildRow, isBuildActive, pendingSteps, toBuild } from "./build-view.ts";
import { builds } from "./builds.tables.ts";

export const buildJobPayload = z.object({ buildId: z.string() });

export type BuildsDeps = {
  db: Db;
  outbox: Outbox;
  queue: Queue;
  buildJob: JobDefinition<typeof buildJobPayload>;
  logs: BuildLogs;
  edge: EdgeAddress;
  /** Aborts a build running in this process at once; other nodes see the flag within a second. */
  abortLocal(buildId: string): void;
};

export type BuildRequest = {
  project: ProjectRow;
  actor: Actor | { type: "system" };
  trigger: Build["trigger"];
  branch: string | null;
  commitSha?: string | null;
  archivePath?: string | null;
  /** Uploads choose; git builds follow the branch. */
  environment?: Build["environment"];
  retryOf?: string | null;
};

/**
 * Queues a build in the caller's transaction. Older builds of the same branch still waiting
 * are canceled: when pushes pile up only the newest runs.
 */
export async function queueBuild(
  tx: Executor,
  request: BuildRequest,
  deps: Pick<BuildsDeps, "queue" | "buildJob" | "outbox">,
) {
  const { project, actor } = request;
  const source = request.archivePath ? "archive" : "git";
  if (source === "git" && !project.gitUrl)
    throw badRequest("this project has no git repository; deploy it with `slipway deploy`");
  const environment = request.environment ?? (request.branch === project.productionBranch ? "production" : "preview");
  const [counter] = await tx
    .update(projects)
    .set({ nextBuildNumber: sql`${projects.nextBuildNumber} + 1` })
    .where(eq(projects.id, project.id))
    .returning({ next: projects.nextBuildNumber });
  const number = (counter?.next ?? 2) - 1;
  const id = newId("bld");
  if (request.branch) {
    await tx
      .update(builds)
      .set({
        status: "canceled",
        errorReason: "superseded",
        errorMessage: `superseded by build #${number}`,
        finishedAt: new Date(),
      })
      .where(and(eq(builds.projectId, project.id), eq(builds.branch, request.branch), eq(builds.status, "queued")));
  }
  const [row] = await tx
    .insert(builds)
    .values({
      id,
      teamId: project.teamId,
      projectId: project.id,
      number,
      status: "queued",
      environment,
      trigger: request.trigger,
      source,
      gitUrl: source === "git" ? project.gitUrl : null,
      branch: request.branch,
      commitSha: request.commitSha ?? null,
      archivePath: request.archivePath ?? null,
      rootDir: source === "git" ? project.rootDir : "",
      steps: pendingSteps(),
      actorType: actor.type,
      actorId: actor.type === "system" ? null : actorId(actor),
      actorLabel: actor.type === "system" ? "Slipway" : actorLabel(actor),
      retryOf: request.retryOf ?? null,
    })
    .returning();
  if (!row) throw new Error("build insert returned nothing");
  const jobId = await deps.queue.enqueue(tx, deps.buildJob, { buildId: id });
  await tx.update(builds).set({ jobId }).where(eq(builds.id, id));
  await deps.outbox.emit(tx, {
    type: "build.queued",
    teamId: project.teamId,
    payload: { buildId: id, projectId: project.id, number, branch: request.branch },
  });
  return { ...row, jobId };
}

function auditBuild(
  tx: Executor,
  ctx: RequestContext,
  teamId: string,
  action: string,
  buildId: string,
  details: Record<string, unknown>,
) {
  return recordAudit(tx, {
    actor: ctx.actor,
    ip: ctx.ip,
    teamId,
    action,
    resource: { type: "build", id: buildId },
    result: "success",
    details,
  });
}

export async function startBuild(
  options: { ctx: RequestContext; access: TeamAccess; projectId: string; branch?: string | undefined },
  deps: BuildsDeps,
): Promise<Build> {
  const row = await deps.db.transaction(async (tx) => {
    const project = await loadProject(options.access.teamId, options.projectId, tx);
    const branch = options.branch ?? project.gitBranch ?? project.productionBranch;
    const build = await queueBuild(tx, { project, actor: options.ctx.actor, trigger: "manual", branch }, deps);
    await auditBuild(tx, options.ctx, project.teamId, "build.create", build.id, { projectId: project.id, branch });
    return build;
  });
  deps.queue.wake();
  return toBuild(row, null);
}

export async function loadBuild(teamId: string, buildId: string, db: Executor): Promise<BuildRow> {
  const [row] = await db
    .select()
    .from(builds)
    .where(and(eq(builds.id, buildId), eq(builds.teamId, teamId)));
  if (!row) throw notFound("build");
  return row;
}

export async function viewBuild(row: BuildRow, deps: Pick<BuildsDeps, "db" | "edge">): Promise<Build> {
  const deployment = row.deploymentId ? await viewDeployment(row.deploymentId, deps) : null;
  return toBuild(row, deployment?.url ?? null);
}

/** A new build from the same source and settings as an earlier one. */
export async function retryBuild(
  options: { ctx: RequestContext; access: TeamAccess; buildId: string },
  deps: BuildsDeps,
) {
  const row = await deps.db.transaction(async (tx) => {
    const earlier = await loadBuild(options.access.teamId, options.buildId, tx);
    if (isBuildActive(earlier.status)) throw conflict("this build has not ended yet");
    const project = await loadProject(options.access.teamId, earlier.projectId, tx);
    const build = await queueBuild(
      tx,
      {
        project,
        actor: options.ctx.actor,
        trigger: "retry",
        branch: earlier.branch,
        commitSha: earlier.commitSha,
        archivePath: earlier.archivePath,
        environment: earlier.environment as Build["environment"],
        retryOf: earlier.id,
      },
      deps,
    );
    await auditBuild(tx, options.ctx, project.teamId, "build.retry", build.id, { retryOf: earlier.id });
    return build;
  });
  deps.queue.wake();
  return toBuild(row, null);
}

export async function cancelBuild(
  options: { ctx: RequestContext; access: TeamAccess; buildId: string },
  deps: BuildsDeps,
) {
  const row = await deps.db.transaction(async (tx) => {
    const build = await loadBuild(options.access.teamId, options.buildId, tx);
    if (!isBuildActive(build.status)) throw conflict(`this build has already ${build.status}`);
    const [updated] = await tx
      .update(builds)
      .set(
        build.status === "queued"
          ? {
              status: "canceled",
              errorReason: "canceled",
              errorMessage: "canceled before it started",
              finishedAt: new Date(),
            }
          : { cancelRequestedAt: new Date() },
      )
      .where(eq(builds.id, build.id))
      .returning();
    await auditBuild(tx, options.ctx, build.teamId, "build.cancel", build.id, { status: build.status });
    return updated ?? build;
  });
  deps.abortLocal(row.id);
  deps.logs.notify(row.id);
  return viewBuild(row, deps);
}

export async function listBuilds(
  options: {
    teamId: string;
    projectId?: string | undefined;
    status?: string | undefined;
    branch?: string | undefined;
    limit: number;
    cursor: Cursor | undefined;
  },
  deps: Pick<BuildsDeps, "db" | "edge">,
) {
  const rows = await deps.db
    .select()
    .from(builds)
    .where(
      and(
        eq(builds.teamId, options.teamId),
        options.projectId ? eq(builds.projectId, options.projectId) : undefined,
        options.status ? eq(builds.status, options.status) : undefined,
        options.branch ? eq(builds.branch, options.branch) : undefined,
        afterCursor(builds, options.cursor),
      ),
    )
    .orderBy(...newestFirst(builds))
    .limit(options.limit + 1);
  const page = toPage(rows, options.limit, (row) => row);
  return { items: await Promise.all(page.items.map((row) => viewBuild(row, deps))), nextCursor: page.nextCursor };
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

/** Builds per day over the last `days` days (UTC), success rate, durations and cache hits. */
export async function buildAnalytics(
  options: { teamId: string; projectId?: string; days: number },
  db: Db,
): Promise<BuildAnalytics> {
  const since = new Date(Date.now() - options.days * 86_400_000);
  const rows = await db
    .select({
      status: builds.status,
      createdAt: builds.createdAt,
      startedAt: builds.startedAt,
      finishedAt: builds.finishedAt,
      cache: builds.cache,
    })
    .from(builds)
    .where(
      and(
        eq(builds.teamId, options.teamId),
        options.projectId ? eq(builds.projectId, options.projectId) : undefined,
        gte(builds.createdAt, since),
        inArray(builds.status, ["succeeded", "failed", "canceled"]),
      ),
    )
    .orderBy(desc(builds.createdAt));
  const days = Array.from({ length: options.days }, (_, i) => {
    const date = new Date(Date.now() - (options.days - 1 - i) * 86_400_000).toISOString().slice(0, 10);
    return { date, total: 0, succeeded: 0, failed: 0, canceled: 0 };
  });
  const byDate = new Map(days.map((d) => [d.date, d]));
  for (const row of rows) {
    const day = byDate.get(row.createdAt.toISOString().slice(0, 10));
    if (!day) continue;
    day.total++;
    if (row.status === "succeeded" || row.status === "failed" || row.status === "canceled") day[row.status]++;
  }
  const ended = rows.filter((r) => r.status !== "canceled");
  const durations = rows
    .filter((r) => r.status === "succeeded" && r.startedAt && r.finishedAt)
    .map((r) => (r.finishedAt as Date).getTime() - (r.startedAt as Date).getTime())
    .sort((a, b) => a - b);
  const cached = rows.filter((r) => r.cache === "hit" || r.cache === "miss");
  return {
    days,
    total: rows.length,
    successRate: ended.length ? ended.filter((r) => r.status === "succeeded").length / ended.length : null,
    averageDurationMs: durations.length ? Math.round(durations.reduce((a, b) => a + b, 0) / durations.length) : null,
    p95DurationMs: percentile(durations, 95),
    cacheHitRate: cached.length ? cached.filter((r) => r.cache === "hit").length / cached.length : null,
  };
}

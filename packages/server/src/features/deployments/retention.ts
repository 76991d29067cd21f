import { rm } from "node:fs/promises";
import { join } from "node:path";
import { and, eq, inArray, lt, notExists } from "drizzle-orm";
import { z } from "zod";
import { recordAudit } from "../../platform/audit.ts";
import type { Db, Executor } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Outbox } from "../../platform/outbox.ts";
import type { Queue } from "../../platform/queue.ts";
import type { Scheduler } from "../../platform/scheduler.ts";
import { runtimeLogLines } from "../apps/apps.tables.ts";
import { preferencesOf } from "../projects/projects.service.ts";
import { projects } from "../projects/projects.tables.ts";
import { branchAliases, deployments, promotions } from "./deployments.tables.ts";

export const previewRetentionJobName = "deployments.expire-previews";
export const artifactRemovalJobName = "deployments.remove-artifacts";

const dayMs = 86_400_000;
/**
 * How long an artifact directory outlives the last deployment that used it. A build that was
 * running when its deployment went may still reuse that artifact (same source) or publish an
 * identical tree into it; longer than any build runs (builds.run times out after 3 h), it has
 * made its own deployment by then, and that deployment keeps the directory.
 */
export const artifactGraceMs = 4 * 60 * 60_000;
/** Artifact directories are named by their tree hash; anything else never came from the store. */
const artifactHashSchema = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/);

export type RetentionDeps = {
  db: Db;
  outbox: Outbox;
  logger: Logger;
  /** `<dataDir>/artifacts`: one directory per artifact hash. */
  artifactsDir: string;
  /** Reloads the edge's routes, which also stops the instances of a deployment that is gone. */
  onRoutesChanged: () => unknown;
};

/**
 * Deletes every project's preview deployments older than its `previewRetentionDays`, except
 * those still in use: production now, a rollback target (promoted once), the newest of a branch
 * (its preview URL). One transaction per project removes the rows and their runtime log lines,
 * records it, and queues the removal of artifact directories nothing uses any more.
 */
export async function expirePreviewDeployments(
  options: { now?: Date; scheduleArtifactRemoval: (tx: Executor, hashes: string[]) => Promise<unknown> },
  deps: RetentionDeps,
): Promise<{ deleted: string[] }> {
  const now = options.now ?? new Date();
  const deleted: string[] = [];
  for (const project of await deps.db.select().from(projects)) {
    const days = preferencesOf(project).previewRetentionDays;
    if (days === null) continue;
    const cutoff = new Date(now.getTime() - days * dayMs);
    const gone = await deps.db.transaction(async (tx) => {
      // The conditions sit in the delete itself, so a deployment promoted or aliased meanwhile stays.
      const rows = await tx
        .delete(deployments)
        .where(
          and(
            eq(deployments.projectId, project.id),
            eq(deployments.environment, "preview"),
            lt(deployments.createdAt, cutoff),
            notExists(tx.select().from(projects).where(eq(projects.productionDeploymentId, deployments.id))),
            notExists(tx.select().from(promotions).where(eq(promotions.deploymentId, deployments.id))),
            notExists(tx.select().from(branchAliases).where(eq(branchAliases.deploymentId, deployments.id))),
          ),
        )
        .returning({ id: deployments.id, artifactHash: deployments.artifactHash });
      if (rows.length === 0) return rows;
      const ids = rows.map((row) => row.id);
      // Not a foreign key (an app logs before its deployment row exists), so not cascaded.
      await tx.delete(runtimeLogLines).where(inArray(runtimeLogLines.deploymentId, ids));
      await recordAudit(tx, {
        actor: { type: "system" },
        ip: null,
        teamId: project.teamId,
        action: "deployment.expire",
        resource: { type: "project", id: project.id },
        result: "success",
        details: { deploymentIds: ids, previewRetentionDays: days },
      });
      await deps.outbox.emit(tx, {
        type: "deployments.expired",
        teamId: project.teamId,
        payload: { projectId: project.id, deploymentIds: ids },
      });
      await options.scheduleArtifactRemoval(tx, [...new Set(rows.map((row) => row.artifactHash))]);
      return rows;
    });
    deleted.push(...gone.map((row) => row.id));
  }
  if (deleted.length > 0) {
    deps.logger.info({ count: deleted.length }, "deleted expired preview deployments");
    await deps.onRoutesChanged();
  }
  return { deleted };
}

/** Removes the artifact directories of `hashes` that no deployment uses; answers which it removed. */
export async function removeUnusedArtifacts(
  options: { hashes: string[] },
  deps: Pick<RetentionDeps, "db" | "logger" | "artifactsDir">,
): Promise<{ removed: string[] }> {
  const hashes = options.hashes.filter((hash) => artifactHashSchema.safeParse(hash).success);
  if (hashes.length === 0) return { removed: [] };
  const used = await deps.db
    .selectDistinct({ hash: deployments.artifactHash })
    .from(deployments)
    .where(inArray(deployments.artifactHash, hashes));
  const isUsed = new Set(used.map((row) => row.hash));
  const removed = hashes.filter((hash) => !isUsed.has(hash));
  for (const hash of removed) await rm(join(deps.artifactsDir, hash), { recursive: true, force: true });
  if (removed.length > 0) deps.logger.info({ count: removed.length }, "removed unused artifacts");
  return { removed };
}

/** Expires previews daily; artifact directories go `artifactGraceMs` after their last deployment. */
export async function scheduleRetentionJobs(platform: { queue: Queue; scheduler: Scheduler }, deps: RetentionDeps) {
  const removal = platform.queue.define({
    name: artifactRemovalJobName,
    payload: z.object({ hashes: z.array(artifactHashSchema) }),
    maxAttempts: 3,
    timeoutMs: 10 * 60_000,
    handler: (payload) => removeUnusedArtifacts(payload, deps),
  });
  const expiry = platform.queue.define({
    name: previewRetentionJobName,
    payload: z.object({}),
    // Tomorrow's run picks up whatever a failed one left.
    maxAttempts: 1,
    timeoutMs: 30 * 60_000,
    handler: () =>
      expirePreviewDeployments(
        {
          scheduleArtifactRemoval: (tx, hashes) =>
            platform.queue.enqueue(tx, removal, { hashes }, { runAt: new Date(Date.now() + artifactGraceMs) }),
        },
        deps,
      ),
  });
  await platform.scheduler.schedule(previewRetentionJobName, "17 3 * * *", expiry, {});
  return { expiry, removal };
}

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
export const leftoverCleanupJobName = "deployments.clean-up-expired";

const dayMs = 86_400_000;
/**
 * How long after deleting deployments their leftovers are cleaned up. Artifact directories: a
 * build that was running then may still reuse one (same source) or publish an identical tree
 * into it; longer than any build runs (builds.run times out after 3 h), it has made its own
 * deployment by then, and that deployment keeps the directory. Runtime log lines: instances
 * stopping after their deployment went still log their last words.
 */
export const leftoverGraceMs = 4 * 60 * 60_000;
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
 * records it, and queues the clean-up of what they leave behind (see cleanUpLeftovers).
 */
export async function expirePreviewDeployments(
  options: { now?: Date; scheduleCleanup: (tx: Executor, leftovers: Leftovers) => Promise<unknown> },
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
      await options.scheduleCleanup(tx, {
        deploymentIds: ids,
        hashes: [...new Set(rows.map((row) => row.artifactHash))],
      });
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

const leftoversSchema = z.object({
  /** Deleted deployments: their runtime log lines go (again). */
  deploymentIds: z.array(z.string()),
  /** Their artifacts: each directory goes unless a deployment uses it. */
  hashes: z.array(artifactHashSchema),
});
export type Leftovers = z.infer<typeof leftoversSchema>;

/**
 * What deleted deployments leave behind, a while later: the log lines their instances wrote
 * while stopping, and artifact directories no deployment uses. Answers which directories went.
 */
export async function cleanUpLeftovers(
  leftovers: Leftovers,
  deps: Pick<RetentionDeps, "db" | "logger" | "artifactsDir">,
): Promise<{ removedArtifacts: string[] }> {
  if (leftovers.deploymentIds.length > 0)
    await deps.db.delete(runtimeLogLines).where(inArray(runtimeLogLines.deploymentId, leftovers.deploymentIds));
  const hashes = leftovers.hashes.filter((hash) => artifactHashSchema.safeParse(hash).success);
  if (hashes.length === 0) return { removedArtifacts: [] };
  const used = await deps.db
    .selectDistinct({ hash: deployments.artifactHash })
    .from(deployments)
    .where(inArray(deployments.artifactHash, hashes));
  const isUsed = new Set(used.map((row) => row.hash));
  const removed = hashes.filter((hash) => !isUsed.has(hash));
  for (const hash of removed) await rm(join(deps.artifactsDir, hash), { recursive: true, force: true });
  if (removed.length > 0) deps.logger.info({ count: removed.length }, "removed unused artifacts");
  return { removedArtifacts: removed };
}

/** Expires previews daily; their leftovers go `leftoverGraceMs` later. */
export async function scheduleRetentionJobs(platform: { queue: Queue; scheduler: Scheduler }, deps: RetentionDeps) {
  const cleanup = platform.queue.define({
    name: leftoverCleanupJobName,
    payload: leftoversSchema,
    maxAttempts: 3,
    timeoutMs: 10 * 60_000,
    handler: (leftovers) => cleanUpLeftovers(leftovers, deps),
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
          scheduleCleanup: (tx, leftovers) =>
            platform.queue.enqueue(tx, cleanup, leftovers, { runAt: new Date(Date.now() + leftoverGraceMs) }),
        },
        deps,
      ),
  });
  await platform.scheduler.schedule(previewRetentionJobName, "17 3 * * *", expiry, {});
  return { expiry, cleanup };
}

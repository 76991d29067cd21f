import type { RuntimeSettings } from "@slipway/contracts";
import { eq } from "drizzle-orm";
import type { Db, Executor } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Outbox } from "../../platform/outbox.ts";
import type { Secrets } from "../../platform/secrets.ts";
import { branchAliases, deployments } from "../deployments/deployments.tables.ts";
import { runtimeOf } from "../projects/projects.service.ts";
import { projects } from "../projects/projects.tables.ts";
import type { AppDeployment, AppRole } from "./app-fleet.ts";

const envSealFor = (deploymentId: string) => `deployment:${deploymentId}:env`;

/** The env vars an app deployment runs with, fixed at deploy time like its code. */
export function sealDeploymentEnv(deploymentId: string, env: Record<string, string>, secrets: Secrets): string {
  return secrets.seal(JSON.stringify(env), envSealFor(deploymentId));
}

export function openDeploymentEnv(deploymentId: string, sealed: string | null, secrets: Secrets) {
  return sealed ? (JSON.parse(secrets.open(sealed, envSealFor(deploymentId))) as Record<string, string>) : {};
}

/** Every app deployment with its role now: production, the newest of a branch (preview), or neither. */
export async function loadAppDeployments(db: Executor): Promise<AppDeployment[]> {
  const rows = await db
    .select({
      id: deployments.id,
      projectId: deployments.projectId,
      artifactHash: deployments.artifactHash,
      startCommand: deployments.startCommand,
      envSealed: deployments.envSealed,
      productionId: projects.productionDeploymentId,
      project: projects,
    })
    .from(deployments)
    .innerJoin(projects, eq(projects.id, deployments.projectId))
    .where(eq(deployments.kind, "app"));
  if (rows.length === 0) return [];
  const aliased = new Set((await db.select({ id: branchAliases.deploymentId }).from(branchAliases)).map((r) => r.id));
  return rows.map((row) => {
    const role: AppRole = row.productionId === row.id ? "production" : aliased.has(row.id) ? "preview" : "other";
    const runtime: RuntimeSettings = runtimeOf(row.project);
    return {
      deploymentId: row.id,
      projectId: row.projectId,
      artifactHash: row.artifactHash,
      startCommand: row.startCommand ?? "",
      envSealed: row.envSealed,
      role,
      runtime,
    };
  });
}

/** A deployment in a crash loop: an event for whoever listens (notifications, webhooks). */
export async function reportUnhealthy(
  deps: { db: Db; outbox: Outbox; logger: Logger },
  deploymentId: string,
  reason: string,
): Promise<void> {
  try {
    const [row] = await deps.db
      .select({ teamId: deployments.teamId, projectId: deployments.projectId })
      .from(deployments)
      .where(eq(deployments.id, deploymentId));
    if (!row) return;
    await deps.outbox.emit(deps.db, {
      type: "deployment.unhealthy",
      teamId: row.teamId,
      payload: { deploymentId, projectId: row.projectId, reason },
    });
  } catch (error) {
    deps.logger.warn({ err: error, deploymentId }, "could not record that a deployment is unhealthy");
  }
}

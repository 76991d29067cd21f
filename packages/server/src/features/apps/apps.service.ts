import { eq } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Outbox } from "../../platform/outbox.ts";
import type { Secrets } from "../../platform/secrets.ts";
import type { LoadedRoutes } from "../deployments/deployments.service.ts";
import { deployments } from "../deployments/deployments.tables.ts";
import { runtimeOf } from "../projects/projects.service.ts";
import type { AppDeployment, AppRole } from "./app-fleet.ts";

const envSealFor = (deploymentId: string) => `deployment:${deploymentId}:env`;

/** The env vars an app deployment runs with, fixed at deploy time like its code. */
export function sealDeploymentEnv(deploymentId: string, env: Record<string, string>, secrets: Secrets): string {
  return secrets.seal(JSON.stringify(env), envSealFor(deploymentId));
}

export function openDeploymentEnv(deploymentId: string, sealed: string | null, secrets: Secrets) {
  return sealed ? (JSON.parse(secrets.open(sealed, envSealFor(deploymentId))) as Record<string, string>) : {};
}

/** The app deployments among those loaded for the routes, with their role now: production, the newest of a branch (preview), or neither. */
export function appDeploymentsOf(loaded: Pick<LoadedRoutes, "deployments" | "aliasedIds">): AppDeployment[] {
  return loaded.deployments
    .filter(({ deployment }) => deployment.kind === "app")
    .map(({ deployment, project }) => {
      const role: AppRole =
        project.productionDeploymentId === deployment.id
          ? "production"
          : loaded.aliasedIds.has(deployment.id)
            ? "preview"
            : "other";
      return {
        deploymentId: deployment.id,
        projectId: deployment.projectId,
        artifactHash: deployment.artifactHash,
        startCommand: deployment.startCommand ?? "",
        envSealed: deployment.envSealed,
        role,
        runtime: runtimeOf(project),
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

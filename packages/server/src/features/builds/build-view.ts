import type { Build, BuildSettingsInput } from "@slipway/contracts";
import { buildStepIds } from "../../engines/builder/builder.types.ts";
import type { builds } from "./builds.tables.ts";

export type BuildRow = typeof builds.$inferSelect;
export type StoredStep = BuildRow["steps"][number];

/** Queued and running builds are still going; every other status is final. */
export const isBuildActive = (status: string) => status === "queued" || status === "running";

export const pendingSteps = (): StoredStep[] =>
  buildStepIds.map((id) => ({ id, status: "pending", startedAt: null, endedAt: null }));

export function toBuild(row: BuildRow, deploymentUrl: string | null): Build {
  const steps = row.steps.map((step) => ({
    id: step.id as Build["steps"][number]["id"],
    status: step.status as Build["steps"][number]["status"],
    startedAt: step.startedAt,
    endedAt: step.endedAt,
    durationMs: step.startedAt && step.endedAt ? Date.parse(step.endedAt) - Date.parse(step.startedAt) : null,
  }));
  return {
    id: row.id,
    projectId: row.projectId,
    number: row.number,
    status: row.status as Build["status"],
    environment: row.environment as Build["environment"],
    trigger: row.trigger as Build["trigger"],
    source: row.source as Build["source"],
    branch: row.branch,
    commitSha: row.commitSha,
    steps,
    cache: row.cache as Build["cache"],
    isReused: row.isReused,
    // Builds recorded before start commands existed have none.
    settings: row.settings
      ? { startCommand: null, ...(row.settings as Omit<BuildSettingsInput, "startCommand">) }
      : null,
    error: row.errorReason ? { step: row.errorStep, reason: row.errorReason, message: row.errorMessage ?? "" } : null,
    isolation: row.isolation ?? null,
    createdBy: { type: row.actorType, id: row.actorId, label: row.actorLabel },
    retryOf: row.retryOf,
    deploymentId: row.deploymentId,
    deploymentUrl,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    durationMs: row.startedAt && row.finishedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : null,
  };
}

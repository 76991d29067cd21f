import { and, count, eq, inArray, isNotNull, notInArray, sql } from "drizzle-orm";
import {
  type Artifact,
  type BuildEvents,
  type Builder,
  BuildFailure,
  type BuildResult,
  type BuildStep,
} from "../../engines/builder/builder.types.ts";
import type { Db } from "../../platform/db.ts";
import { newId } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Outbox } from "../../platform/outbox.ts";
import { jobs } from "../../platform/platform.tables.ts";
import { DeferJob } from "../../platform/queue.ts";
import type { AppFleet } from "../apps/app-fleet.ts";
import { sealDeploymentEnv } from "../apps/apps.service.ts";
import { createDeploymentFromBuild } from "../deployments/deployments.service.ts";
import { deployments } from "../deployments/deployments.tables.ts";
import type { EnvDeps } from "../env/env.service.ts";
import { envForBuild } from "../env/env.service.ts";
import {
  limitsOf,
  type ProjectRow,
  recordDetectedSettings,
  runtimeOf,
  storedSettings,
} from "../projects/projects.service.ts";
import { projects } from "../projects/projects.tables.ts";
import type { BuildLogs } from "./build-logs.ts";
import { type BuildRow, isBuildActive, pendingSteps, type StoredStep } from "./build-view.ts";
import { builds } from "./builds.tables.ts";

export type BuildRunnerDeps = EnvDeps & {
  db: Db;
  logger: Logger;
  outbox: Outbox;
  builder: Builder;
  logs: BuildLogs;
  artifactsDir: string;
  concurrency: { instance: number; team: number };
  /** Starts server apps' instances; without it a build with a start command fails at deploy. */
  apps?: AppFleet;
  /** Called after a deployment is made or production moves; resolves once the edge serves the new routes. */
  onRoutesChanged(): Promise<void>;
};

export type BuildRunner = ReturnType<typeof createBuildRunner>;
type BuildLogWriter = Awaited<ReturnType<BuildLogs["openWriter"]>>;

const cancelPollMs = 1000;

/**
 * Runs one queued build: takes a concurrency slot, drives the builder, keeps steps and log in
 * the store, and on success makes the deployment (and moves production) in one transaction.
 * A failure leaves production where it was.
 */
export function createBuildRunner(deps: BuildRunnerDeps) {
  const running = new Map<string, AbortController>();

  /** Takes a slot or says to come back later; one transaction with a lock so two nodes never both take the last slot. */
  async function claimSlot(build: BuildRow): Promise<"claimed" | "full" | "gone"> {
    return deps.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(727275)`);
      const [current] = await tx.select().from(builds).where(eq(builds.id, build.id));
      if (!current || !isBuildActive(current.status)) return "gone";
      const [instance] = await tx.select({ n: count() }).from(builds).where(eq(builds.status, "running"));
      const [team] = await tx
        .select({ n: count() })
        .from(builds)
        .where(and(eq(builds.status, "running"), eq(builds.teamId, build.teamId)));
      // A build already marked running is this job's own earlier attempt (the platform stopped mid-build).
      const isRerun = current.status === "running";
      if (!isRerun && ((instance?.n ?? 0) >= deps.concurrency.instance || (team?.n ?? 0) >= deps.concurrency.team)) {
        return "full";
      }
      await tx
        .update(builds)
        .set({
          status: "running",
          startedAt: new Date(),
          steps: pendingSteps(),
          errorReason: null,
          errorMessage: null,
          errorStep: null,
        })
        .where(eq(builds.id, build.id));
      return "claimed";
    });
  }

  async function findReusable(projectId: string, sourceKey: string): Promise<Artifact | null> {
    const [row] = await deps.db
      .select({ hash: deployments.artifactHash, files: deployments.files, bytes: deployments.bytes })
      .from(builds)
      .innerJoin(deployments, eq(deployments.id, builds.deploymentId))
      .where(and(eq(builds.projectId, projectId), eq(builds.sourceKey, sourceKey), eq(builds.status, "succeeded")))
      .limit(1);
    return row ? { hash: row.hash, dir: `${deps.artifactsDir}/${row.hash}`, files: row.files, bytes: row.bytes } : null;
  }

  async function run(buildId: string): Promise<void> {
    const [build] = await deps.db.select().from(builds).where(eq(builds.id, buildId));
    if (!build) return;
    const wasRunning = build.status === "running";
    const slot = await claimSlot(build);
    if (slot === "gone") return;
    if (slot === "full") throw new DeferJob("no build slot free", 2000);
    const [project] = await deps.db.select().from(projects).where(eq(projects.id, build.projectId));
    if (!project) return;

    const log = await deps.logs.openWriter(build.id);
    if (wasRunning) log.system("Slipway restarted while this build ran; running it again from the start.");
    const controller = new AbortController();
    running.set(build.id, controller);
    const cancelWatch = setInterval(() => {
      void deps.db
        .select({ at: builds.cancelRequestedAt })
        .from(builds)
        .where(eq(builds.id, build.id))
        .then(([row]) => row?.at && controller.abort())
        .catch((error) => deps.logger.warn({ err: error, buildId }, "could not check for a cancel request"));
    }, cancelPollMs);

    let steps: StoredStep[] = pendingSteps();
    let stepWrite: Promise<unknown> = Promise.resolve();
    const events: BuildEvents = {
      onLog: (line) => log.append(line),
      onStep: (step: BuildStep) => {
        steps = steps.map((s) =>
          s.id === step.id
            ? {
                id: s.id,
                status: step.status,
                startedAt: step.startedAt?.toISOString() ?? null,
                endedAt: step.endedAt?.toISOString() ?? null,
              }
            : s,
        );
        const snapshot = steps;
        stepWrite = stepWrite.then(() =>
          deps.db.update(builds).set({ steps: snapshot }).where(eq(builds.id, build.id)),
        );
        deps.logs.notify(build.id);
      },
      onIsolation: (report) => {
        stepWrite = stepWrite.then(() =>
          deps.db.update(builds).set({ isolation: report }).where(eq(builds.id, build.id)),
        );
      },
      onPrepared: ({ commitSha, settings }) => {
        stepWrite = stepWrite.then(() =>
          deps.db
            .update(builds)
            .set({ settings, commitSha: commitSha ?? build.commitSha })
            .where(eq(builds.id, build.id)),
        );
      },
      findReusable: (sourceKey) => findReusable(project.id, sourceKey),
    };

    const target = build.environment === "production" ? "production" : "preview";
    let result: BuildResult | null = null;
    let failure: BuildFailure | null = null;
    try {
      const { env, secrets } = await envForBuild(project.id, target, deps);
      result = await deps.builder.run(
        {
          buildId: build.id,
          cacheScope: project.id,
          source: build.archivePath
            ? { kind: "archive", path: build.archivePath }
            : { kind: "git", url: build.gitUrl ?? "", ref: build.branch ?? project.productionBranch },
          rootDir: build.rootDir,
          overrides: storedSettings(project).overrides,
          env,
          secrets,
          limits: limitsOf(project),
        },
        events,
        controller.signal,
      );
    } catch (error) {
      failure =
        error instanceof BuildFailure
          ? error
          : new BuildFailure("build", "command_failed", error instanceof Error ? error.message : String(error));
      if (!(error instanceof BuildFailure)) deps.logger.error({ err: error, buildId }, "build crashed");
    } finally {
      clearInterval(cancelWatch);
      running.delete(build.id);
    }
    await stepWrite.catch(() => undefined);
    if (result) await deploy({ build, project, result, log, onStep: events.onStep, target });
    else if (failure) await fail(build, failure, controller.signal.aborted, log);
    await log.flush();
    deps.logs.notify(build.id);
  }

  /**
   * Publishes a built artifact. A server app's instances are started and must pass their health
   * check first: until then nothing in the store changes, so a deployment that never gets
   * healthy fails the build and production stays where it was.
   */
  async function deploy(options: {
    build: BuildRow;
    project: ProjectRow;
    result: BuildResult;
    log: BuildLogWriter;
    onStep(step: BuildStep): void;
    target: "production" | "preview";
  }) {
    const { build, project, result, log } = options;
    log.system(
      result.isReused ? "Source unchanged since an earlier build: its artifact is reused." : "Build succeeded.",
    );
    const startedAt = new Date();
    options.onStep({ id: "deploy", status: "running", startedAt, endedAt: null });
    const startCommand = result.settings.startCommand;
    // Code that runs (an app, api/ functions) gets the env vars as they are now, sealed under the deployment's id.
    let sealed: { deploymentId: string; envSealed: string } | undefined;
    if (startCommand || result.functions.length > 0) {
      const deploymentId = newId("dpl");
      const { env } = await envForBuild(project.id, options.target, deps);
      sealed = { deploymentId, envSealed: sealDeploymentEnv(deploymentId, env, deps.secrets) };
    }
    if (result.functions.length > 0) {
      log.system(`Functions: ${result.functions.map((fn) => `/api/${fn.name} (${fn.runtime})`).join(", ")}`);
    }
    let app: { deploymentId: string; startCommand: string; envSealed: string } | undefined;
    if (startCommand && sealed) {
      const runtime = runtimeOf(project);
      app = { ...sealed, startCommand };
      const count = Math.max(1, runtime.minInstances);
      log.system(
        `Starting ${count} instance${count === 1 ? "" : "s"} (${runtime.memoryMb} MB, ${runtime.cpus} CPU each): ${startCommand}`,
      );
      log.system(
        runtime.healthCheckPath
          ? `Waiting for GET ${runtime.healthCheckPath} to answer 2xx/3xx (up to ${runtime.healthCheckTimeoutSeconds} s)`
          : `Waiting for the app to listen on $PORT (up to ${runtime.healthCheckTimeoutSeconds} s)`,
      );
      try {
        if (!deps.apps) throw new Error("this Slipway runs no server apps (no app runtime)");
        await deps.apps.prepare({
          deploymentId: app.deploymentId,
          projectId: project.id,
          artifactHash: result.artifact.hash,
          startCommand,
          envSealed: app.envSealed,
          role: "other",
          runtime,
        });
      } catch (error) {
        options.onStep({ id: "deploy", status: "failed", startedAt, endedAt: new Date() });
        await fail(build, new BuildFailure("deploy", "unhealthy", (error as Error).message), false, log);
        return;
      }
      log.system(`Healthy after ${Math.round((Date.now() - startedAt.getTime()) / 100) / 10} s.`);
    }
    const functions = sealed && result.functions.length > 0 ? { ...sealed, list: result.functions } : undefined;
    try {
      await succeed(build, result, app, functions);
    } catch (error) {
      if (app) await deps.apps?.discard(app.deploymentId);
      throw error;
    }
    options.onStep({ id: "deploy", status: "succeeded", startedAt, endedAt: new Date() });
  }

  async function succeed(
    build: BuildRow,
    result: BuildResult,
    app: { deploymentId: string; startCommand: string; envSealed: string } | undefined,
    functions: { deploymentId: string; envSealed: string; list: BuildResult["functions"] } | undefined,
  ) {
    // The build reads "succeeded" only once its URLs answer: deployment first, then routes, then status.
    const deploymentId = await deps.db.transaction(async (tx) => {
      const deployment = await createDeploymentFromBuild(
        tx,
        {
          build: { ...build, commitSha: result.commitSha ?? build.commitSha },
          artifact: result.artifact,
          spaFallback: result.settings.spaFallback,
          ...(app ? { app } : {}),
          ...(functions ? { functions } : {}),
        },
        deps,
      );
      await tx
        .update(builds)
        .set({
          cache: result.cache,
          isReused: result.isReused,
          sourceKey: result.sourceKey,
          settings: result.settings,
          commitSha: result.commitSha ?? build.commitSha,
          deploymentId: deployment.id,
        })
        .where(eq(builds.id, build.id));
      await recordDetectedSettings(build.projectId, result.settings, tx);
      return deployment.id;
    });
    await deps.onRoutesChanged();
    await deps.db.transaction(async (tx) => {
      await tx.update(builds).set({ status: "succeeded", finishedAt: new Date() }).where(eq(builds.id, build.id));
      await deps.outbox.emit(tx, {
        type: "build.succeeded",
        teamId: build.teamId,
        payload: { buildId: build.id, projectId: build.projectId, deploymentId },
      });
    });
  }

  async function fail(build: BuildRow, failure: BuildFailure, isCanceled: boolean, log: BuildLogWriter) {
    const status = isCanceled || failure.reason === "canceled" ? "canceled" : "failed";
    log.system(status === "canceled" ? "Build canceled." : `Build failed at ${failure.step}: ${failure.message}`);
    await deps.db.transaction(async (tx) => {
      await tx
        .update(builds)
        .set({
          status,
          finishedAt: new Date(),
          errorStep: failure.step,
          errorReason: status === "canceled" ? "canceled" : failure.reason,
          errorMessage: failure.message,
        })
        .where(eq(builds.id, build.id));
      await deps.outbox.emit(tx, {
        type: status === "canceled" ? "build.canceled" : "build.failed",
        teamId: build.teamId,
        payload: { buildId: build.id, projectId: build.projectId, reason: failure.reason },
      });
    });
  }

  /**
   * Builds whose job is gone or finished while they still say queued/running: the platform
   * stopped for good during them. They end failed with that reason, never "running" forever.
   */
  async function reconcile(): Promise<number> {
    const stuck = await deps.db
      .select({ id: builds.id, teamId: builds.teamId, projectId: builds.projectId })
      .from(builds)
      .leftJoin(jobs, eq(jobs.id, builds.jobId))
      .where(
        and(
          inArray(builds.status, ["queued", "running"]),
          isNotNull(builds.jobId),
          sql`(${jobs.id} is null or ${notInArray(jobs.status, ["queued", "running"])})`,
        ),
      );
    for (const build of stuck) {
      await deps.db
        .update(builds)
        .set({
          status: "failed",
          finishedAt: new Date(),
          errorReason: "platform_stopped",
          errorMessage: "Slipway stopped while this build was running, and it could not be run again",
        })
        .where(and(eq(builds.id, build.id), inArray(builds.status, ["queued", "running"])));
    }
    return stuck.length;
  }

  return {
    run,
    reconcile,
    abortLocal(buildId: string) {
      running.get(buildId)?.abort();
    },
  };
}

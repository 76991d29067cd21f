import { join } from "node:path";
import type { DeploymentRuntime, RuntimeSettings } from "@slipway/contracts";
import type { Sandbox } from "../../engines/sandbox/sandbox.types.ts";
import type { Logger } from "../../platform/logger.ts";
import { AppPool, type AppSpec } from "./app-pool.ts";
import type { RuntimeLogs } from "./runtime-logs.ts";

/** How a deployment is reached now, which decides how many instances it keeps. */
export type AppRole = "production" | "preview" | "other";

/** An app deployment as the store has it, with its project's settings now. */
export type AppDeployment = Omit<AppSpec, "artifactDir" | "env"> & {
  artifactHash: string;
  /** The deploy-time env vars, sealed; opened only when the deployment first starts on this node. */
  envSealed: string | null;
  role: AppRole;
  runtime: RuntimeSettings;
};

export type AppFleetDeps = {
  sandbox: Sandbox;
  logger: Logger;
  logs: RuntimeLogs;
  artifactsDir: string;
  openEnv(deploymentId: string, sealed: string | null): Record<string, string>;
  /** A crash loop: the deployment is unhealthy (emit an event, say it in the dashboard). */
  onUnhealthy(deploymentId: string, reason: string): void;
  tickMs?: number;
  /** The idle timeouts' minute (tests shorten it). */
  minuteMs?: number;
  backoff?: { initialMs: number; maxMs: number };
};

type Entry = {
  pool: AppPool;
  role: AppRole | "pending";
  runtime: RuntimeSettings;
  /** Autoscaling: samples of requests in flight per healthy instance since the last step. */
  samples: number[];
  lastStepAt: number;
  wasUnhealthy: boolean;
};

const sampleEveryMs = 2_000;

/** Production never needs a request to start; min 0 means "may idle out", not "run none". */
const baseInstances = (runtime: RuntimeSettings) => Math.max(1, runtime.minInstances);

/**
 * Every app deployment's instances on this node: keeps production and branch previews running,
 * wakes any other deployment on its first request, idles them out, autoscales, and moves
 * production without dropping a request (the new deployment is healthy before routes switch;
 * the old one drains after).
 */
export function createAppFleet(deps: AppFleetDeps) {
  const entries = new Map<string, Entry>();
  const tickMs = deps.tickMs ?? 2_000;
  let timer: NodeJS.Timeout | null = null;
  let lastSampleAt = 0;

  function entryFor(app: AppDeployment, role: Entry["role"]): Entry {
    const existing = entries.get(app.deploymentId);
    if (existing) {
      const before = existing.runtime;
      existing.runtime = app.runtime;
      // Scaling settings apply at once to what runs; resources to the next start.
      const { pool } = existing;
      if (pool.desired > app.runtime.maxInstances) pool.scaleTo(app.runtime.maxInstances);
      else if (
        (existing.role === "production" || existing.role === "preview") &&
        pool.desired > 0 &&
        app.runtime.minInstances !== before.minInstances &&
        pool.desired < app.runtime.minInstances
      )
        pool.scaleTo(app.runtime.minInstances);
      return existing;
    }
    const entry: Entry = {
      role,
      runtime: app.runtime,
      samples: [],
      lastStepAt: Date.now(),
      wasUnhealthy: false,
      pool: new AppPool(
        {
          deploymentId: app.deploymentId,
          projectId: app.projectId,
          artifactDir: join(deps.artifactsDir, app.artifactHash),
          startCommand: app.startCommand,
          env: deps.openEnv(app.deploymentId, app.envSealed),
        },
        {
          sandbox: deps.sandbox,
          logger: deps.logger,
          log: deps.logs.writer({ id: app.deploymentId, projectId: app.projectId }),
          settings: () => entry.runtime,
          ...(deps.backoff ? { backoff: deps.backoff } : {}),
        },
      ),
    };
    entries.set(app.deploymentId, entry);
    return entry;
  }

  /** Drains an instance set that lost its public role: requests in flight finish, then it stops. */
  function retire(entry: Entry) {
    entry.pool.scaleTo(0);
  }

  function tick() {
    const now = Date.now();
    // Reading /proc costs: CPU and memory are sampled every 2 s whatever the tick.
    const shouldSample = now - lastSampleAt >= sampleEveryMs;
    if (shouldSample) lastSampleAt = now;
    for (const [id, entry] of entries) {
      const { pool, runtime } = entry;
      if (pool.desired === 0 && pool.healthy() === 0) continue;
      if (shouldSample) void pool.sample().catch(() => undefined);
      const appState = pool.state();
      if (appState.state === "unhealthy" && !entry.wasUnhealthy) {
        entry.wasUnhealthy = true;
        deps.onUnhealthy(id, appState.reason ?? "crash loop");
      } else if (appState.state !== "unhealthy") entry.wasUnhealthy = false;

      const idleMinutes = entry.role === "production" ? runtime.productionIdleMinutes : runtime.previewIdleMinutes;
      if (
        entry.role !== "pending" &&
        idleMinutes !== null &&
        pool.inflight === 0 &&
        pool.waiting === 0 &&
        pool.desired > 0
      ) {
        if (now - pool.lastActivityAt > idleMinutes * (deps.minuteMs ?? 60_000)) {
          deps.logs
            .writer({ id, projectId: pool.spec.projectId })
            .write("-", "system", `No requests for ${idleMinutes} min: scaled to zero; the next request starts it`);
          pool.scaleTo(0);
          continue;
        }
      }
      autoscale(entry, now);
    }
  }

  function autoscale(entry: Entry, now: number) {
    const { pool, runtime } = entry;
    const policy = runtime.autoscale;
    if (!policy || entry.role === "pending" || pool.desired === 0) return;
    const healthy = Math.max(1, pool.healthy());
    entry.samples.push(pool.inflight / healthy);
    if (now - entry.lastStepAt < policy.cooldownSeconds * 1000) return;
    const load =
      policy.metric === "requests"
        ? entry.samples.reduce((a, b) => a + b, 0) / Math.max(1, entry.samples.length)
        : (pool.meanCpu() ?? 0);
    entry.samples = [];
    const floor = entry.role === "other" ? 1 : baseInstances(runtime);
    let next = pool.desired;
    if (load > policy.target && pool.desired < runtime.maxInstances) next += 1;
    else if (load < policy.target / 2 && pool.desired > floor) next -= 1;
    if (next === pool.desired) return;
    entry.lastStepAt = now;
    deps.logs
      .writer({ id: pool.spec.deploymentId, projectId: pool.spec.projectId })
      .write("-", "system", `Autoscaling ${pool.desired} → ${next} instances (${policy.metric} ${load.toFixed(1)})`);
    pool.scaleTo(next);
  }

  return {
    /**
     * The store's app deployments and their roles now (from the edge's route reload). Returns
     * the pool of each, for the route table; `apply()` then starts what gained a public role
     * and drains what lost it — after the routes switched.
     */
    plan(apps: AppDeployment[]): { pools: Map<string, AppPool>; apply(): void } {
      const pools = new Map<string, AppPool>();
      const changes: [Entry, AppRole][] = [];
      const seen = new Set<string>();
      for (const app of apps) {
        seen.add(app.deploymentId);
        const isNew = !entries.has(app.deploymentId);
        const entry = entryFor(app, app.role);
        pools.set(app.deploymentId, entry.pool);
        if (isNew || entry.role !== app.role) changes.push([entry, app.role]);
      }
      return {
        pools,
        apply() {
          for (const [entry, role] of changes) {
            const wasPublic = entry.role === "production" || entry.role === "preview" || entry.role === "pending";
            entry.role = role;
            if (role === "production" || role === "preview") {
              if (entry.pool.desired === 0) entry.pool.scaleTo(baseInstances(entry.runtime));
            } else if (wasPublic && entry.pool.desired > 0) retire(entry);
          }
          // Gone from the store (project or deployment deleted): stop for good.
          for (const [id, entry] of entries) {
            if (seen.has(id) || entry.role === "pending") continue;
            entries.delete(id);
            void entry.pool.close();
          }
        },
      };
    },

    /**
     * Starts a new deployment's instances before it exists in the store: resolves once they all
     * answer their health check; rejects (and stops them) when one exits first or never answers.
     */
    async prepare(app: AppDeployment): Promise<void> {
      const entry = entryFor(app, "pending");
      entry.pool.scaleTo(baseInstances(app.runtime));
      try {
        await entry.pool.whenReady();
      } catch (error) {
        entries.delete(app.deploymentId);
        await entry.pool.close();
        throw error;
      }
    },

    /** A prepared deployment that will not be made after all (the build failed to record it). */
    async discard(deploymentId: string): Promise<void> {
      const entry = entries.get(deploymentId);
      if (entry?.role !== "pending") return;
      entries.delete(deploymentId);
      await entry.pool.close();
    },

    runtime(deploymentId: string): DeploymentRuntime {
      const pool = entries.get(deploymentId)?.pool;
      if (!pool) return { state: "idle", reason: null, desiredInstances: 0, instances: [] };
      const { state, reason } = pool.state();
      return { state, reason, desiredInstances: pool.desired, instances: pool.instances() };
    },

    /** Sets the instance count now (0 stops it until the next request). */
    scale(deploymentId: string, instances: number): boolean {
      const entry = entries.get(deploymentId);
      if (!entry) return false;
      entry.pool.scaleTo(instances);
      return true;
    },

    async restart(deploymentId: string): Promise<boolean> {
      const entry = entries.get(deploymentId);
      if (!entry) return false;
      if (entry.pool.desired === 0) entry.pool.scaleTo(baseInstances(entry.runtime));
      else await entry.pool.restart();
      return true;
    },

    start() {
      timer = setInterval(tick, tickMs);
      timer.unref();
    },

    /** Stops every instance (the platform is shutting down; they come back at its next start). */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await Promise.all([...entries.values()].map((entry) => entry.pool.close()));
      entries.clear();
      await deps.logs.flush();
    },
  };
}

export type AppFleet = ReturnType<typeof createAppFleet>;

import { z } from "zod";

/**
 * Server apps: how a project's instances run (resources, scaling, health) and what they are
 * doing now. Static deployments have none of this.
 */

export const autoscaleSchema = z.strictObject({
  /** Concurrent requests per instance, or CPU percent of the instance's share. */
  metric: z.enum(["requests", "cpu"]),
  target: z.number().min(1).max(10_000),
  /** At most one scaling step per cooldown. */
  cooldownSeconds: z.number().int().min(5).max(3600),
});
export type Autoscale = z.infer<typeof autoscaleSchema>;

const healthPathSchema = z
  .string()
  .trim()
  .max(255)
  .regex(/^\/[\x21-\x7e]*$/, "a path starting with /, without spaces");

export const runtimeSettingsSchema = z.strictObject({
  /** Per instance. */
  memoryMb: z.number().int().min(64).max(65_536),
  cpus: z.number().min(0.1).max(64),
  pids: z.number().int().min(16).max(32_768),
  minInstances: z.number().int().min(0).max(20),
  maxInstances: z.number().int().min(1).max(20),
  autoscale: autoscaleSchema.nullable(),
  /** Previews (and deployments reached by their own URL) stop after this long without a request. */
  previewIdleMinutes: z.number().int().min(1).max(10_080),
  /** null: production never scales to zero. */
  productionIdleMinutes: z.number().int().min(1).max(10_080).nullable(),
  /** Ready when `GET path` answers 2xx/3xx; null: when the port accepts connections. */
  healthCheckPath: healthPathSchema.nullable(),
  healthCheckTimeoutSeconds: z.number().int().min(5).max(600),
  /** After SIGTERM, how long an instance has to finish its requests before SIGKILL. */
  shutdownGraceSeconds: z.number().int().min(1).max(300),
});
export type RuntimeSettings = z.infer<typeof runtimeSettingsSchema>;

export const defaultRuntimeSettings: RuntimeSettings = {
  memoryMb: 512,
  cpus: 1,
  pids: 256,
  minInstances: 1,
  maxInstances: 1,
  autoscale: null,
  previewIdleMinutes: 15,
  productionIdleMinutes: null,
  healthCheckPath: null,
  healthCheckTimeoutSeconds: 60,
  shutdownGraceSeconds: 10,
};

export const instanceStates = ["starting", "healthy", "restarting", "crash-loop", "stopping", "stopped"] as const;
export const instanceStateSchema = z.enum(instanceStates);
export type InstanceState = z.infer<typeof instanceStateSchema>;

export const instanceSchema = z.object({
  id: z.string(),
  deploymentId: z.string(),
  state: instanceStateSchema,
  /** Why it is in that state (the last exit, a crash loop), when there is something to say. */
  reason: z.string().nullable(),
  port: z.number().int(),
  pid: z.number().int().nullable(),
  startedAt: z.iso.datetime(),
  uptimeSeconds: z.number().int(),
  restarts: z.number().int(),
  /** Requests being answered now. */
  inflight: z.number().int(),
  /** Percent of one core over the last few seconds; null until measured. */
  cpuPercent: z.number().nullable(),
  memoryBytes: z.number().int().nullable(),
});
export type Instance = z.infer<typeof instanceSchema>;

export const appStates = ["running", "starting", "idle", "unhealthy", "stopped"] as const;
export const appStateSchema = z.enum(appStates);
export type AppState = z.infer<typeof appStateSchema>;

export const deploymentRuntimeSchema = z.object({
  state: appStateSchema,
  reason: z.string().nullable(),
  /** Instances the platform wants now (scaling, idling). */
  desiredInstances: z.number().int(),
  instances: z.array(instanceSchema),
});
export type DeploymentRuntime = z.infer<typeof deploymentRuntimeSchema>;

export const runtimeLogLineSchema = z.object({
  /** Increasing; pass as `after` (or Last-Event-ID) to read on. */
  id: z.number().int(),
  instanceId: z.string(),
  stream: z.enum(["stdout", "stderr", "system"]),
  text: z.string(),
  at: z.iso.datetime(),
});
export type RuntimeLogLine = z.infer<typeof runtimeLogLineSchema>;

export const runtimeLogQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  /** The newest lines when `after` is not given. */
  limit: z.coerce.number().int().min(1).max(5000).default(500),
  instanceId: z.string().max(64).optional(),
  stream: z.enum(["stdout", "stderr", "system"]).optional(),
  q: z.string().max(200).optional(),
});

export const scaleDeploymentSchema = z.strictObject({
  /** Run exactly this many now (within the project's min/max); 0 stops the deployment until its next request. */
  instances: z.number().int().min(0).max(20),
});

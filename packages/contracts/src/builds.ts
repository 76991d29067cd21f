import { z } from "zod";
import { buildSettingsSchema } from "./projects.ts";

export const buildStatuses = ["queued", "running", "succeeded", "failed", "canceled"] as const;
export const buildStatusSchema = z.enum(buildStatuses);
export type BuildStatus = z.infer<typeof buildStatusSchema>;

export const buildStepIdSchema = z.enum(["clone", "install", "pre-build", "build", "post-build", "package", "deploy"]);
export const environments = ["production", "preview"] as const;
export const environmentSchema = z.enum(environments);

export const buildStepSchema = z.object({
  id: buildStepIdSchema,
  status: z.enum(["pending", "running", "succeeded", "failed", "skipped", "canceled"]),
  startedAt: z.iso.datetime().nullable(),
  endedAt: z.iso.datetime().nullable(),
  durationMs: z.number().int().nullable(),
});
export type BuildStepView = z.infer<typeof buildStepSchema>;

export const buildSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  number: z.number().int(),
  status: buildStatusSchema,
  environment: environmentSchema,
  trigger: z.enum(["manual", "git", "deploy-hook", "cli", "retry"]),
  source: z.enum(["git", "archive"]),
  branch: z.string().nullable(),
  commitSha: z.string().nullable(),
  steps: z.array(buildStepSchema),
  cache: z.enum(["hit", "miss", "none"]).nullable(),
  isReused: z.boolean(),
  settings: buildSettingsSchema.nullable(),
  error: z.object({ step: z.string().nullable(), reason: z.string(), message: z.string() }).nullable(),
  isolation: z.record(z.string(), z.unknown()).nullable(),
  createdBy: z.object({ type: z.string(), id: z.string().nullable(), label: z.string().nullable() }),
  retryOf: z.string().nullable(),
  deploymentId: z.string().nullable(),
  deploymentUrl: z.string().nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  durationMs: z.number().int().nullable(),
});
export type Build = z.infer<typeof buildSchema>;

export const createBuildSchema = z.strictObject({
  /** Which branch to build; the project's production branch when left out. */
  branch: z.string().trim().min(1).max(255).optional(),
});

export const buildListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
  status: buildStatusSchema.optional(),
  branch: z.string().max(255).optional(),
});

export const buildLogLineSchema = z.object({
  seq: z.number().int(),
  stream: z.enum(["stdout", "stderr", "system"]),
  text: z.string(),
  at: z.iso.datetime(),
});
export type BuildLogLine = z.infer<typeof buildLogLineSchema>;

export const buildLogPageSchema = z.object({
  lines: z.array(buildLogLineSchema),
  /** True once the build has ended and every line is in. */
  isComplete: z.boolean(),
});

export const buildAnalyticsSchema = z.object({
  days: z.array(
    z.object({
      date: z.string(),
      total: z.number().int(),
      succeeded: z.number().int(),
      failed: z.number().int(),
      canceled: z.number().int(),
    }),
  ),
  total: z.number().int(),
  successRate: z.number().nullable(),
  averageDurationMs: z.number().nullable(),
  p95DurationMs: z.number().nullable(),
  cacheHitRate: z.number().nullable(),
});
export type BuildAnalytics = z.infer<typeof buildAnalyticsSchema>;

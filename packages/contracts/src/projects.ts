import { z } from "zod";
import { runtimeSettingsSchema } from "./apps.ts";

export const frameworks = ["static", "vite", "node", "nextjs-export", "node-server", "python"] as const;
export const frameworkSchema = z.enum(frameworks);
export const frameworkLabels: Record<(typeof frameworks)[number], string> = {
  static: "Static site",
  vite: "Vite",
  node: "Node.js (build script)",
  "nextjs-export": "Next.js (static export)",
  "node-server": "Node.js server",
  python: "Python app",
};

/** A shell command a user typed; one line, bounded. */
const commandSchema = z
  .string()
  .trim()
  .min(1)
  .max(1000)
  .regex(/^[^\n\r\0]*$/, "one line, no control characters");
/** A path inside the repository, relative, without `..`. */
const relativePathSchema = z
  .string()
  .trim()
  .max(255)
  .regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[^\0]*$/, "a relative path inside the repository, without ..");

export const buildSettingsSchema = z.object({
  framework: frameworkSchema,
  installCommand: commandSchema.nullable(),
  buildCommand: commandSchema.nullable(),
  outputDir: relativePathSchema,
  spaFallback: z.boolean(),
  nodeVersion: z.string().regex(/^\d+$/, "a Node major version, like 20"),
  preBuildHook: commandSchema.nullable(),
  postBuildHook: commandSchema.nullable(),
  /**
   * Set for server apps: run with /bin/sh -c in the artifact directory, with PORT set.
   * Null for static sites, which the edge serves from the artifact as files.
   */
  startCommand: commandSchema.nullable(),
});
export type BuildSettingsInput = z.infer<typeof buildSettingsSchema>;

export const buildLimitsSchema = z.object({
  memoryMb: z.number().int().min(128).max(65536),
  cpus: z.number().min(0.1).max(64),
  pids: z.number().int().min(32).max(32768),
  timeoutSeconds: z.number().int().min(10).max(7200),
});
export type BuildLimitsInput = z.infer<typeof buildLimitsSchema>;

export const defaultBuildLimits: BuildLimitsInput = { memoryMb: 2048, cpus: 1, pids: 512, timeoutSeconds: 900 };

/** Becomes part of every hostname of the project: a DNS label. */
export const projectSlugSchema = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "lowercase letters, digits and dashes; no dash at either end")
  .refine((s) => !s.includes("--"), "no double dash: it separates deployment and project in hostnames");

export const gitSourceSchema = z.strictObject({
  /** Anything git can clone: https://, git://, file://, or an absolute path on this machine. */
  url: z.string().trim().min(1).max(2000),
  branch: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[^\s~^:?*[\\]+$/, "not a valid branch name")
    .default("main"),
  rootDir: relativePathSchema.default(""),
});

/** When and where deployments happen: the seed's "deployment preferences". */
export const deploymentPreferencesSchema = z.strictObject({
  /** A push to the repository starts a build (webhooks); off: only manual deploys. */
  autoDeploy: z.boolean(),
  /** Preview deployments older than this, and not aliased, are deleted; null keeps them. */
  previewRetentionDays: z.number().int().min(1).max(3650).nullable(),
});
export type DeploymentPreferences = z.infer<typeof deploymentPreferencesSchema>;
export const defaultDeploymentPreferences: DeploymentPreferences = { autoDeploy: true, previewRetentionDays: 30 };

export const projectSchema = z.object({
  id: z.string(),
  teamId: z.string(),
  name: z.string(),
  slug: z.string(),
  git: z.object({ url: z.string(), branch: z.string(), rootDir: z.string() }).nullable(),
  productionBranch: z.string(),
  settings: buildSettingsSchema,
  limits: buildLimitsSchema,
  runtime: runtimeSettingsSchema,
  preferences: deploymentPreferencesSchema,
  productionUrl: z.string(),
  productionDeploymentId: z.string().nullable(),
  /** Env vars changed after the production deployment was built: the next deployment picks them up. */
  hasPendingEnvChanges: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Project = z.infer<typeof projectSchema>;

export const createProjectSchema = z.strictObject({
  name: z.string().trim().min(1).max(64),
  slug: projectSlugSchema.optional(),
  git: gitSourceSchema.optional(),
  settings: buildSettingsSchema.partial().strict().optional(),
  limits: buildLimitsSchema.partial().strict().optional(),
});
export type CreateProjectInput = z.infer<typeof createProjectSchema>;

export const updateProjectSchema = z.strictObject({
  name: z.string().trim().min(1).max(64).optional(),
  git: gitSourceSchema.nullable().optional(),
  productionBranch: z.string().trim().min(1).max(255).optional(),
  settings: buildSettingsSchema.partial().strict().optional(),
  limits: buildLimitsSchema.partial().strict().optional(),
  runtime: runtimeSettingsSchema.partial().strict().optional(),
  preferences: deploymentPreferencesSchema.partial().strict().optional(),
});
export type UpdateProjectInput = z.infer<typeof updateProjectSchema>;

export const detectSettingsSchema = z.strictObject({ git: gitSourceSchema });
export const detectedSettingsSchema = z.object({ settings: buildSettingsSchema, nodeVersions: z.array(z.string()) });

/** Where to point GitHub, GitLab or Gitea, and the secret they sign pushes with. */
export const gitWebhookSchema = z.object({
  url: z.string(),
  secret: z.string(),
  deployHookUrl: z.string(),
});
export type GitWebhook = z.infer<typeof gitWebhookSchema>;

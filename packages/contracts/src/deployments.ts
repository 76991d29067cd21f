import { z } from "zod";
import { deploymentRuntimeSchema } from "./apps.ts";
import { environmentSchema } from "./builds.ts";

export const deploymentSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  buildId: z.string(),
  environment: environmentSchema,
  branch: z.string().nullable(),
  commitSha: z.string().nullable(),
  status: z.enum(["ready"]),
  /** static: files served by the edge; app: a server the edge proxies to. */
  kind: z.enum(["static", "app"]),
  /** Apps only: what its instances are doing now (on this node). */
  runtime: deploymentRuntimeSchema.nullable(),
  /** This deployment's own URL; it never changes. */
  url: z.string(),
  /** Other URLs that point at it now (production, branch preview). */
  aliases: z.array(z.string()),
  isProduction: z.boolean(),
  files: z.number().int(),
  bytes: z.number().int(),
  createdAt: z.iso.datetime(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

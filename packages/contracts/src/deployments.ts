import { z } from "zod";
import { environmentSchema } from "./builds.ts";

export const deploymentSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  buildId: z.string(),
  environment: environmentSchema,
  branch: z.string().nullable(),
  commitSha: z.string().nullable(),
  status: z.enum(["ready"]),
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

import { type EnvVar, envVarSchema } from "@slipway/contracts";
import { z } from "zod";
import { projectPath } from "../../api-paths.ts";
import type { Client } from "../../client.ts";

const envListSchema = z.object({ items: z.array(envVarSchema) });

/** The flag every env command takes to name the project. */
export const projectFlag = {
  type: "string",
  placeholder: "id|slug",
  description: "The project (default: the one this directory is linked to)",
} as const;

export const envPath = (teamId: string, projectId: string) => `${projectPath(teamId, projectId)}/env`;

export async function listEnvVars(client: Client, teamId: string, projectId: string): Promise<EnvVar[]> {
  const { items } = await client.get(envPath(teamId, projectId), envListSchema, { progress: "Loading variables" });
  return items;
}

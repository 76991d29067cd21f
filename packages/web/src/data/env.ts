import { type CreateEnvVarInput, envVarSchema, type updateEnvVarSchema } from "@slipway/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiJson, apiVoid } from "../lib/api";
import { projectKeys, projectPath } from "./projects";
import { teamKeys } from "./teams";

export const envKeys = {
  list: (teamId: string, projectId: string) => [...teamKeys.detail(teamId), "env", projectId] as const,
};

const envPath = (teamId: string, projectId: string) => `${projectPath(teamId, projectId)}/env`;
const envListSchema = z.object({ items: z.array(envVarSchema) });

export function useEnvVars(teamId: string, projectId: string) {
  return useQuery({
    queryKey: envKeys.list(teamId, projectId),
    queryFn: ({ signal }) => apiJson(envPath(teamId, projectId), envListSchema, { signal }),
    select: (data) => data.items,
  });
}

/** A change applies to the next deployment, so the project's "pending changes" flag moves too. */
function useEnvChange<I, O>(teamId: string, projectId: string, change: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: envKeys.list(teamId, projectId) }),
        queryClient.invalidateQueries({ queryKey: projectKeys.detail(teamId, projectId) }),
      ]),
  });
}

export function useCreateEnvVar(teamId: string, projectId: string) {
  return useEnvChange(teamId, projectId, (input: CreateEnvVarInput) =>
    apiJson(envPath(teamId, projectId), envVarSchema, { method: "POST", body: input }),
  );
}

export function useUpdateEnvVar(teamId: string, projectId: string) {
  return useEnvChange(teamId, projectId, (input: { envId: string; change: z.input<typeof updateEnvVarSchema> }) =>
    apiJson(`${envPath(teamId, projectId)}/${encodeURIComponent(input.envId)}`, envVarSchema, {
      method: "PATCH",
      body: input.change,
    }),
  );
}

export function useDeleteEnvVar(teamId: string, projectId: string) {
  return useEnvChange(teamId, projectId, (envId: string) =>
    apiVoid(`${envPath(teamId, projectId)}/${encodeURIComponent(envId)}`, { method: "DELETE" }),
  );
}

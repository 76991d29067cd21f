import { deploymentSchema } from "@slipway/contracts";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiJson } from "../lib/api";
import { cursorPagesOptions } from "../lib/pagination";
import { projectKeys, projectPath } from "./projects";
import { teamKeys } from "./teams";

export const deploymentKeys = {
  all: (teamId: string) => [...teamKeys.detail(teamId), "deployments"] as const,
  list: (teamId: string, projectId: string, limit: number) =>
    [...deploymentKeys.all(teamId), "list", projectId, limit] as const,
  detail: (teamId: string, deploymentId: string) => [...deploymentKeys.all(teamId), "detail", deploymentId] as const,
};

export const deploymentPath = (teamId: string, deploymentId: string) =>
  `/api/v1/teams/${encodeURIComponent(teamId)}/deployments/${encodeURIComponent(deploymentId)}`;

/** Newest first; `limit` is the page size (the overview shows only a few). */
export function useDeployments(teamId: string, projectId: string, options: { limit?: number } = {}) {
  const limit = options.limit ?? 20;
  return useInfiniteQuery(
    cursorPagesOptions({
      queryKey: deploymentKeys.list(teamId, projectId, limit),
      path: `${projectPath(teamId, projectId)}/deployments`,
      item: deploymentSchema,
      limit,
    }),
  );
}

export function useDeployment(teamId: string, deploymentId: string | null) {
  return useQuery({
    queryKey: deploymentKeys.detail(teamId, deploymentId ?? ""),
    queryFn: ({ signal }) => apiJson(deploymentPath(teamId, deploymentId ?? ""), deploymentSchema, { signal }),
    enabled: deploymentId !== null,
  });
}

/** Promotion and rollback move the production alias: the project and every deployment's badges change. */
function useProductionChange(teamId: string, projectId: string, change: (deploymentId: string) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: deploymentKeys.all(teamId) }),
        queryClient.invalidateQueries({ queryKey: projectKeys.detail(teamId, projectId) }),
        queryClient.invalidateQueries({ queryKey: projectKeys.list(teamId) }),
      ]),
  });
}

export function usePromoteDeployment(teamId: string, projectId: string) {
  return useProductionChange(teamId, projectId, (deploymentId) =>
    apiJson(`${deploymentPath(teamId, deploymentId)}/promote`, deploymentSchema, { method: "POST", body: {} }),
  );
}

export function useRollbackProduction(teamId: string, projectId: string) {
  return useProductionChange(teamId, projectId, () =>
    apiJson(`${projectPath(teamId, projectId)}/rollback`, deploymentSchema, { method: "POST", body: {} }),
  );
}

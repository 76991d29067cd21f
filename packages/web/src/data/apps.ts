import { type DeploymentRuntime, deploymentRuntimeSchema } from "@slipway/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiJson } from "../lib/api";
import { deploymentKeys, deploymentPath } from "./deployments";

/** A server app deployment's instances; static deployments have none (the API answers 409). */
export const appKeys = {
  all: (teamId: string) => [...deploymentKeys.all(teamId), "runtime"] as const,
  runtime: (teamId: string, deploymentId: string) => [...appKeys.all(teamId), deploymentId] as const,
};

/** Instances change on their own (health, crashes, idling, autoscaling): polled while shown. */
const pollMs = 3000;

export function useDeploymentRuntime(teamId: string, deploymentId: string | null) {
  return useQuery({
    queryKey: appKeys.runtime(teamId, deploymentId ?? ""),
    queryFn: ({ signal }) =>
      apiJson(`${deploymentPath(teamId, deploymentId ?? "")}/instances`, deploymentRuntimeSchema, { signal }),
    enabled: deploymentId !== null,
    refetchInterval: pollMs,
  });
}

/** Scale and restart answer with the runtime after the change; deployment lists show its state too. */
function useRuntimeChange<V>(
  teamId: string,
  deploymentId: string,
  change: (variables: V) => Promise<DeploymentRuntime>,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: (runtime) => {
      queryClient.setQueryData(appKeys.runtime(teamId, deploymentId), runtime);
      return queryClient.invalidateQueries({ queryKey: [...deploymentKeys.all(teamId), "list"] });
    },
  });
}

/** Runs exactly `instances` now; 0 stops the deployment until its next request. */
export function useScaleDeployment(teamId: string, deploymentId: string) {
  return useRuntimeChange(teamId, deploymentId, (instances: number) =>
    apiJson(`${deploymentPath(teamId, deploymentId)}/scale`, deploymentRuntimeSchema, {
      method: "POST",
      body: { instances },
    }),
  );
}

/** Rolling: each instance is replaced by a healthy new one before it stops; answers when all are. */
export function useRestartDeployment(teamId: string, deploymentId: string) {
  return useRuntimeChange(teamId, deploymentId, () =>
    apiJson(`${deploymentPath(teamId, deploymentId)}/restart`, deploymentRuntimeSchema, { method: "POST", body: {} }),
  );
}

import { type Build, type BuildStatus, buildAnalyticsSchema, buildSchema, pageOf } from "@slipway/contracts";
import { type QueryKey, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { apiJson, apiVoid } from "../lib/api";
import { cursorPagesOptions } from "../lib/pagination";
import { deploymentKeys } from "./deployments";
import { projectKeys, projectPath } from "./projects";
import { teamKeys } from "./teams";

export type BuildFilters = {
  projectId?: string | undefined;
  status?: BuildStatus | undefined;
  branch?: string | undefined;
};

export const buildKeys = {
  all: (teamId: string) => [...teamKeys.detail(teamId), "builds"] as const,
  list: (teamId: string, filters: BuildFilters) => [...buildKeys.all(teamId), "list", filters] as const,
  latest: (teamId: string, projectId: string) => [...buildKeys.all(teamId), "latest", projectId] as const,
  analytics: (teamId: string, projectId: string | undefined) =>
    [...buildKeys.all(teamId), "analytics", projectId ?? null] as const,
  detail: (teamId: string, buildId: string) => [...buildKeys.all(teamId), "detail", buildId] as const,
};

const buildsPath = (teamId: string) => `/api/v1/teams/${encodeURIComponent(teamId)}/builds`;
export const buildPath = (teamId: string, buildId: string) => `${buildsPath(teamId)}/${encodeURIComponent(buildId)}`;

export function isBuildActive(build: Pick<Build, "status">): boolean {
  return build.status === "queued" || build.status === "running";
}

/** Lists and cards with a build still going look again every few seconds, until it ends. */
const whileActive = (builds: Build[] | undefined) => (builds?.some(isBuildActive) ? 3000 : false);

export function useBuilds(teamId: string, filters: BuildFilters) {
  return useInfiniteQuery({
    ...cursorPagesOptions({
      queryKey: buildKeys.list(teamId, filters),
      path: buildsPath(teamId),
      item: buildSchema,
      query: filters,
    }),
    refetchInterval: (query) => whileActive(query.state.data?.pages.flatMap((page) => page.items)),
  });
}

/** The newest build of a project, for its card; null when it has none yet. */
export function useLatestBuild(teamId: string, projectId: string) {
  return useQuery({
    queryKey: buildKeys.latest(teamId, projectId),
    queryFn: ({ signal }) =>
      apiJson(buildsPath(teamId), pageOf(buildSchema), { query: { projectId, limit: 1 }, signal }).then(
        (page) => page.items[0] ?? null,
      ),
    refetchInterval: (query) => whileActive(query.state.data ? [query.state.data] : undefined),
  });
}

/**
 * Keeps a project's pages current while its newest build runs: when that build ends, the
 * project (its production deployment), its deployments and the build lists refresh.
 */
export function useRefreshWhenLatestBuildEnds(teamId: string, projectId: string) {
  const latest = useLatestBuild(teamId, projectId);
  const refreshAfterBuild = useRefreshAfterBuild(teamId);
  const wasActive = useRef(false);
  const build = latest.data;
  // biome-ignore lint/correctness/useExhaustiveDependencies: reacts to the status changing, not to each refetch.
  useEffect(() => {
    if (!build) return;
    const isActive = isBuildActive(build);
    if (wasActive.current && !isActive) void refreshAfterBuild(build);
    wasActive.current = isActive;
  }, [build?.id, build?.status]);
}

export function useBuildAnalytics(teamId: string, projectId?: string) {
  return useQuery({
    queryKey: buildKeys.analytics(teamId, projectId),
    queryFn: ({ signal }) =>
      apiJson(`${buildsPath(teamId)}/analytics`, buildAnalyticsSchema, { query: { days: 7, projectId }, signal }),
  });
}

export function useBuild(teamId: string, buildId: string) {
  return useQuery({
    queryKey: buildKeys.detail(teamId, buildId),
    queryFn: ({ signal }) => apiJson(buildPath(teamId, buildId), buildSchema, { signal }),
    // The log stream pushes changes; this only covers a stream that cannot connect.
    refetchInterval: (query) => (query.state.data && isBuildActive(query.state.data) ? 10_000 : false),
  });
}

/**
 * After a build starts or ends, everything that shows builds, the project (its production
 * deployment) and its deployments may have changed.
 */
export function useRefreshAfterBuild(teamId: string) {
  const queryClient = useQueryClient();
  return (build: Pick<Build, "projectId">) => {
    const keys: QueryKey[] = [
      buildKeys.all(teamId),
      projectKeys.detail(teamId, build.projectId),
      projectKeys.list(teamId),
      deploymentKeys.all(teamId),
    ];
    return Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
  };
}

/** Starting, retrying and cancelling all answer with the build: cache it and refresh what lists it. */
function useBuildAction<I>(teamId: string, action: (input: I) => Promise<Build>) {
  const queryClient = useQueryClient();
  const refresh = useRefreshAfterBuild(teamId);
  return useMutation({
    mutationFn: action,
    onSuccess: (build) => {
      queryClient.setQueryData(buildKeys.detail(teamId, build.id), build);
      return refresh(build);
    },
  });
}

export function useStartBuild(teamId: string) {
  return useBuildAction(teamId, (input: { projectId: string; branch?: string | undefined }) =>
    apiJson(`${projectPath(teamId, input.projectId)}/builds`, buildSchema, {
      method: "POST",
      body: input.branch ? { branch: input.branch } : {},
    }),
  );
}

export function useRetryBuild(teamId: string) {
  return useBuildAction(teamId, (buildId: string) =>
    apiJson(`${buildPath(teamId, buildId)}/retry`, buildSchema, { method: "POST", body: {} }),
  );
}

export function useCancelBuild(teamId: string) {
  return useBuildAction(teamId, (buildId: string) =>
    apiJson(`${buildPath(teamId, buildId)}/cancel`, buildSchema, { method: "POST", body: {} }),
  );
}

export function useClearBuildCache(teamId: string, projectId: string) {
  return useMutation({
    mutationFn: () => apiVoid(`${projectPath(teamId, projectId)}/build-cache`, { method: "DELETE" }),
  });
}

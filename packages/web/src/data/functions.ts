import {
  type CreateFunctionInput,
  type CreateTriggerInput,
  type DeployFunctionInput,
  functionEnvVarSchema,
  functionMetricsSchema,
  functionSchema,
  functionSourceSchema,
  functionVersionSchema,
  type Invocation,
  type InvocationDetail,
  type InvocationStatus,
  type InvokeFunctionInput,
  type InvokeResult,
  invocationDetailSchema,
  invocationSchema,
  invokeResultSchema,
  triggerSchema,
  type UpdateFunctionInput,
} from "@slipway/contracts";
import {
  type InfiniteData,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import { apiJson, apiVoid } from "../lib/api";
import { type LogPhase, parseEvent } from "../lib/line-stream";
import { cursorPagesOptions } from "../lib/pagination";
import { projectPath } from "./projects";
import { teamKeys } from "./teams";

/** The invocation log's filters, as the Invocations tab keeps them in its address. */
export type InvocationFilters = {
  status?: InvocationStatus | undefined;
  cold?: "cold" | "warm" | undefined;
  /** How far back: the server gets `since` computed when the page is fetched. */
  range?: InvocationRange | undefined;
  q?: string | undefined;
};
export const invocationRanges = ["1h", "24h", "7d"] as const;
export type InvocationRange = (typeof invocationRanges)[number];
export type MetricsRange = "24h" | "7d";

const rangeMs: Record<InvocationRange, number> = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 };

export const functionKeys = {
  all: (teamId: string) => [...teamKeys.detail(teamId), "functions"] as const,
  lists: (teamId: string) => [...functionKeys.all(teamId), "list"] as const,
  list: (teamId: string, projectId: string | undefined) => [...functionKeys.lists(teamId), projectId ?? null] as const,
  /** Everything about one function sits under its key, so a deploy or rollback refreshes it all at once. */
  detail: (teamId: string, functionId: string) => [...functionKeys.all(teamId), "detail", functionId] as const,
  versions: (teamId: string, functionId: string) => [...functionKeys.detail(teamId, functionId), "versions"] as const,
  source: (teamId: string, functionId: string, versionId: string) =>
    [...functionKeys.detail(teamId, functionId), "source", versionId] as const,
  env: (teamId: string, functionId: string) => [...functionKeys.detail(teamId, functionId), "env"] as const,
  invocations: (teamId: string, functionId: string) =>
    [...functionKeys.detail(teamId, functionId), "invocations"] as const,
  invocationList: (teamId: string, functionId: string, filters: InvocationFilters) =>
    [...functionKeys.invocations(teamId, functionId), "list", filters] as const,
  invocation: (teamId: string, functionId: string, invocationId: string) =>
    [...functionKeys.invocations(teamId, functionId), "detail", invocationId] as const,
  metrics: (teamId: string, functionId: string, range: MetricsRange) =>
    [...functionKeys.detail(teamId, functionId), "metrics", range] as const,
  triggers: (teamId: string, functionId: string) => [...functionKeys.detail(teamId, functionId), "triggers"] as const,
  /** The Test tab's last result, kept while the dashboard is open; outside `detail`, so refreshes keep it. */
  lastTest: (teamId: string, functionId: string) => [...functionKeys.all(teamId), "last-test", functionId] as const,
};

const teamPath = (teamId: string) => `/api/v1/teams/${encodeURIComponent(teamId)}`;
export const functionPath = (teamId: string, functionId: string) =>
  `${teamPath(teamId)}/functions/${encodeURIComponent(functionId)}`;

const itemsOf = <T>(item: z.ZodType<T>) => z.object({ items: z.array(item) });

/** The counts and last invocation in the list move on their own; look again now and then. */
const listRefreshMs = 30_000;

/** The team's functions, or with `projectId` one project's. */
export function useFunctions(teamId: string, projectId?: string) {
  return useQuery({
    queryKey: functionKeys.list(teamId, projectId),
    queryFn: ({ signal }) =>
      apiJson(`${teamPath(teamId)}/functions`, itemsOf(functionSchema), { query: { projectId }, signal }),
    select: (data) => data.items,
    refetchInterval: listRefreshMs,
  });
}

export function useFunction(teamId: string, functionId: string) {
  return useQuery({
    queryKey: functionKeys.detail(teamId, functionId),
    queryFn: ({ signal }) => apiJson(functionPath(teamId, functionId), functionSchema, { signal }),
    refetchInterval: listRefreshMs,
  });
}

const createdSchema = z.object({ function: functionSchema, version: functionVersionSchema });

export function useCreateFunction(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ projectId, input }: { projectId: string; input: CreateFunctionInput }) =>
      apiJson(`${projectPath(teamId, projectId)}/functions`, createdSchema, { method: "POST", body: input }),
    onSuccess: (created) => {
      queryClient.setQueryData(functionKeys.detail(teamId, created.function.id), created.function);
      return queryClient.invalidateQueries({ queryKey: functionKeys.lists(teamId) });
    },
  });
}

/** After a change to the function: its page and what hangs off it (sources never change), and the lists. */
function refreshFunction(queryClient: QueryClient, teamId: string, functionId: string) {
  return Promise.all([
    queryClient.invalidateQueries({
      queryKey: functionKeys.detail(teamId, functionId),
      predicate: (query) => !query.queryKey.includes("source"),
    }),
    queryClient.invalidateQueries({ queryKey: functionKeys.lists(teamId) }),
  ]);
}

export function useUpdateFunction(teamId: string, functionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateFunctionInput) =>
      apiJson(functionPath(teamId, functionId), functionSchema, { method: "PATCH", body: input }),
    onSuccess: (updated) => {
      queryClient.setQueryData(functionKeys.detail(teamId, functionId), updated);
      return queryClient.invalidateQueries({ queryKey: functionKeys.lists(teamId) });
    },
  });
}

export function useDeleteFunction(teamId: string, functionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiVoid(functionPath(teamId, functionId), { method: "DELETE" }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: functionKeys.detail(teamId, functionId) });
      return queryClient.invalidateQueries({ queryKey: functionKeys.lists(teamId) });
    },
  });
}

export function useFunctionVersions(teamId: string, functionId: string) {
  return useQuery({
    queryKey: functionKeys.versions(teamId, functionId),
    queryFn: ({ signal }) =>
      apiJson(`${functionPath(teamId, functionId)}/versions`, itemsOf(functionVersionSchema), { signal }),
    select: (data) => data.items,
  });
}

/** A version's files; versions never change, so once loaded they stay. */
export function useFunctionSource(teamId: string, functionId: string, versionId: string | null) {
  return useQuery({
    queryKey: functionKeys.source(teamId, functionId, versionId ?? "none"),
    queryFn: ({ signal }) =>
      apiJson(
        `${functionPath(teamId, functionId)}/versions/${encodeURIComponent(versionId ?? "")}/source`,
        functionSourceSchema,
        {
          signal,
        },
      ),
    enabled: versionId !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * Deploys files as a new version. A failed packaging answers 422 with the compiler's message
 * (the ApiError's message) and still records a failed version, so the history refreshes either way.
 */
export function useDeployFunction(teamId: string, functionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: DeployFunctionInput) =>
      apiJson(`${functionPath(teamId, functionId)}/versions`, functionVersionSchema, { method: "POST", body: input }),
    // The new version's source is what was just sent: the editor need not fetch it back.
    onSuccess: (version, input) =>
      queryClient.setQueryData(functionKeys.source(teamId, functionId, version.id), {
        versionId: version.id,
        entry: version.entry,
        files: input.files,
      }),
    onSettled: () => refreshFunction(queryClient, teamId, functionId),
  });
}

export function useRollbackFunction(teamId: string, functionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (versionId: string) =>
      apiJson(`${functionPath(teamId, functionId)}/rollback`, functionSchema, {
        method: "POST",
        body: { versionId },
      }),
    onSuccess: () => refreshFunction(queryClient, teamId, functionId),
  });
}

export function useFunctionEnv(teamId: string, functionId: string) {
  return useQuery({
    queryKey: functionKeys.env(teamId, functionId),
    queryFn: ({ signal }) =>
      apiJson(`${functionPath(teamId, functionId)}/env`, itemsOf(functionEnvVarSchema), { signal }),
    select: (data) => data.items,
  });
}

const envVarPath = (teamId: string, functionId: string, key: string) =>
  `${functionPath(teamId, functionId)}/env/${encodeURIComponent(key)}`;

export function useSetFunctionEnvVar(teamId: string, functionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ key, value, isSensitive }: { key: string; value: string; isSensitive: boolean }) =>
      apiJson(envVarPath(teamId, functionId, key), functionEnvVarSchema, {
        method: "PUT",
        body: { value, isSensitive },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: functionKeys.env(teamId, functionId) }),
  });
}

export function useDeleteFunctionEnvVar(teamId: string, functionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => apiVoid(envVarPath(teamId, functionId, key), { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: functionKeys.env(teamId, functionId) }),
  });
}

/** Invokes the production version the way the Test tab does (recorded with the "test" trigger). */
export function useTestInvoke(teamId: string, functionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: InvokeFunctionInput) =>
      apiJson(`${functionPath(teamId, functionId)}/invoke`, invokeResultSchema, {
        method: "POST",
        query: { test: 1 },
        body: input,
      }),
    onSuccess: (result) => {
      queryClient.setQueryData(functionKeys.lastTest(teamId, functionId), result);
      queryClient.setQueryData(functionKeys.invocation(teamId, functionId, result.invocation.id), result.invocation);
      return refreshFunction(queryClient, teamId, functionId);
    },
  });
}

/** The last test run of the function in this tab of the browser, or null: nothing asks the server. */
export function useLastTestRun(teamId: string, functionId: string) {
  return useQuery({
    queryKey: functionKeys.lastTest(teamId, functionId),
    queryFn: (): InvokeResult | null => null,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
  });
}

/** The server's query for a filter set; `since` is taken from the moment of asking. */
function invocationQuery(filters: InvocationFilters) {
  return {
    status: filters.status,
    coldStart: filters.cold === undefined ? undefined : String(filters.cold === "cold"),
    since: filters.range ? new Date(Date.now() - rangeMs[filters.range]).toISOString() : undefined,
    q: filters.q,
  };
}

export function useInvocations(teamId: string, functionId: string, filters: InvocationFilters) {
  return useInfiniteQuery(
    cursorPagesOptions({
      queryKey: functionKeys.invocationList(teamId, functionId, filters),
      path: `${functionPath(teamId, functionId)}/invocations`,
      item: invocationSchema,
      query: invocationQuery(filters),
      limit: 50,
    }),
  );
}

const invocationPath = (teamId: string, functionId: string, invocationId: string) =>
  `${functionPath(teamId, functionId)}/invocations/${encodeURIComponent(invocationId)}`;

export function useInvocation(teamId: string, functionId: string, invocationId: string | null) {
  return useQuery({
    queryKey: functionKeys.invocation(teamId, functionId, invocationId ?? "none"),
    queryFn: ({ signal }) =>
      apiJson(invocationPath(teamId, functionId, invocationId ?? ""), invocationDetailSchema, { signal }),
    enabled: invocationId !== null,
    // Queued and running async invocations change; finished ones do not.
    refetchInterval: (query) =>
      query.state.data && (query.state.data.status === "queued" || query.state.data.status === "running")
        ? 2000
        : false,
  });
}

const acceptedSchema = z.object({ invocation: invocationSchema });

export function useRetryInvocation(teamId: string, functionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invocationId: string) =>
      apiJson(`${invocationPath(teamId, functionId, invocationId)}/retry`, acceptedSchema, { method: "POST" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: functionKeys.invocations(teamId, functionId) }),
  });
}

/** Whether a streamed invocation belongs in a list with these filters (the server's rules, for one item). */
function matchesInvocationFilters(invocation: InvocationDetail, filters: InvocationFilters): boolean {
  if (filters.status && invocation.status !== filters.status) return false;
  if (filters.cold && invocation.isColdStart !== (filters.cold === "cold")) return false;
  const needle = filters.q?.toLowerCase();
  if (needle && ![...invocation.logs, invocation.error ?? ""].some((text) => text.toLowerCase().includes(needle))) {
    return false;
  }
  return true;
}

type InvocationPages = InfiniteData<{ items: Invocation[]; nextCursor: string | null }, string | undefined>;

/**
 * Follows the function's invocations as they finish (logs --follow): each goes into the detail
 * cache and to the top of the open list when it passes the list's filters. Off: no stream.
 */
export function useInvocationStream(
  teamId: string,
  functionId: string,
  filters: InvocationFilters,
  isEnabled: boolean,
) {
  const queryClient = useQueryClient();
  const [phase, setPhase] = useState<LogPhase>("connecting");
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  useEffect(() => {
    if (!isEnabled) return;
    setPhase("connecting");
    const source = new EventSource(`${functionPath(teamId, functionId)}/invocations/stream`, { withCredentials: true });
    source.addEventListener("open", () => setPhase("live"));
    source.addEventListener("error", () =>
      setPhase(source.readyState === EventSource.CLOSED ? "unavailable" : "connecting"),
    );
    source.addEventListener("invocation", (event) => {
      const invocation = parseEvent(invocationDetailSchema, event);
      if (!invocation) return;
      queryClient.setQueryData(functionKeys.invocation(teamId, functionId, invocation.id), invocation);
      if (!matchesInvocationFilters(invocation, filtersRef.current)) return;
      queryClient.setQueryData<InvocationPages>(
        functionKeys.invocationList(teamId, functionId, filtersRef.current),
        (data) => {
          const [first, ...rest] = data?.pages ?? [];
          if (!data || !first) return data;
          const items = [invocation, ...first.items.filter((item) => item.id !== invocation.id)];
          return { ...data, pages: [{ ...first, items }, ...rest] };
        },
      );
    });
    return () => source.close();
  }, [teamId, functionId, isEnabled, queryClient]);

  return { phase: isEnabled ? phase : ("ended" as const) };
}

export function useFunctionMetrics(teamId: string, functionId: string, range: MetricsRange) {
  return useQuery({
    queryKey: functionKeys.metrics(teamId, functionId, range),
    queryFn: ({ signal }) =>
      apiJson(`${functionPath(teamId, functionId)}/metrics`, functionMetricsSchema, { query: { range }, signal }),
    refetchInterval: 60_000,
  });
}

export function useTriggers(teamId: string, functionId: string) {
  return useQuery({
    queryKey: functionKeys.triggers(teamId, functionId),
    queryFn: ({ signal }) =>
      apiJson(`${functionPath(teamId, functionId)}/triggers`, itemsOf(triggerSchema), { signal }),
    select: (data) => data.items,
  });
}

const triggerPath = (teamId: string, functionId: string, triggerId: string) =>
  `${functionPath(teamId, functionId)}/triggers/${encodeURIComponent(triggerId)}`;

function useTriggerChange<I, O>(teamId: string, functionId: string, change: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: functionKeys.triggers(teamId, functionId) }),
  });
}

export function useCreateTrigger(teamId: string, functionId: string) {
  return useTriggerChange(teamId, functionId, (input: CreateTriggerInput) =>
    apiJson(`${functionPath(teamId, functionId)}/triggers`, triggerSchema, { method: "POST", body: input }),
  );
}

export function useSetTriggerEnabled(teamId: string, functionId: string) {
  return useTriggerChange(teamId, functionId, ({ triggerId, isEnabled }: { triggerId: string; isEnabled: boolean }) =>
    apiJson(triggerPath(teamId, functionId, triggerId), triggerSchema, { method: "PATCH", body: { isEnabled } }),
  );
}

export function useDeleteTrigger(teamId: string, functionId: string) {
  return useTriggerChange(teamId, functionId, (triggerId: string) =>
    apiVoid(triggerPath(teamId, functionId, triggerId), { method: "DELETE" }),
  );
}

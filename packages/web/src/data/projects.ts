import {
  type CreateProjectInput,
  detectedSettingsSchema,
  type gitSourceSchema,
  gitWebhookSchema,
  projectSchema,
  type UpdateProjectInput,
} from "@slipway/contracts";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { apiJson, apiVoid } from "../lib/api";
import { cursorPagesOptions } from "../lib/pagination";
import { teamKeys } from "./teams";

export const projectKeys = {
  all: (teamId: string) => [...teamKeys.detail(teamId), "projects"] as const,
  list: (teamId: string) => [...projectKeys.all(teamId), "list"] as const,
  detail: (teamId: string, projectId: string) => [...projectKeys.all(teamId), "detail", projectId] as const,
  webhook: (teamId: string, projectId: string) => [...projectKeys.all(teamId), "git-webhook", projectId] as const,
};

export const projectsPath = (teamId: string) => `/api/v1/teams/${encodeURIComponent(teamId)}/projects`;
export const projectPath = (teamId: string, projectId: string) =>
  `${projectsPath(teamId)}/${encodeURIComponent(projectId)}`;

/** `limit` is the page size: the list pages by 24, pickers ask for 100 at once. */
export function useProjects(teamId: string, options: { limit?: number } = {}) {
  const limit = options.limit ?? 24;
  return useInfiniteQuery(
    cursorPagesOptions({
      queryKey: [...projectKeys.list(teamId), limit],
      path: projectsPath(teamId),
      item: projectSchema,
      limit,
    }),
  );
}

export function useProject(teamId: string, projectId: string) {
  return useQuery({
    queryKey: projectKeys.detail(teamId, projectId),
    queryFn: ({ signal }) => apiJson(projectPath(teamId, projectId), projectSchema, { signal }),
  });
}

/** Clones the repository on the server and proposes settings; errors name the git field at fault. */
export function useDetectSettings(teamId: string) {
  return useMutation({
    mutationFn: (git: z.output<typeof gitSourceSchema>) =>
      apiJson(`${projectsPath(teamId)}/detect`, detectedSettingsSchema, { method: "POST", body: { git } }),
  });
}

export function useCreateProject(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateProjectInput) =>
      apiJson(projectsPath(teamId), projectSchema, { method: "POST", body: input }),
    onSuccess: (project) => {
      queryClient.setQueryData(projectKeys.detail(teamId, project.id), project);
      return queryClient.invalidateQueries({ queryKey: projectKeys.list(teamId) });
    },
  });
}

export function useUpdateProject(teamId: string, projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: UpdateProjectInput) =>
      apiJson(projectPath(teamId, projectId), projectSchema, { method: "PATCH", body: input }),
    onSuccess: (project) => {
      queryClient.setQueryData(projectKeys.detail(teamId, projectId), project);
      return queryClient.invalidateQueries({ queryKey: projectKeys.list(teamId) });
    },
  });
}

export function useDeleteProject(teamId: string, projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiVoid(projectPath(teamId, projectId), { method: "DELETE" }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: projectKeys.detail(teamId, projectId) });
      return queryClient.invalidateQueries({ queryKey: projectKeys.list(teamId) });
    },
  });
}

/** Only for roles that may change the project: the secret is a credential. */
export function useGitWebhook(teamId: string, projectId: string, options: { enabled: boolean }) {
  return useQuery({
    queryKey: projectKeys.webhook(teamId, projectId),
    queryFn: ({ signal }) => apiJson(`${projectPath(teamId, projectId)}/git-webhook`, gitWebhookSchema, { signal }),
    enabled: options.enabled,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

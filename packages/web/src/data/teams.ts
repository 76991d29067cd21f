import { type CreateTeamInput, type Me, type Team, teamSchema, type UpdateTeamInput } from "@slipway/contracts";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiJson, apiVoid } from "../lib/api";
import { meKeys } from "./me";

export const teamKeys = {
  all: ["teams"] as const,
  list: () => [...teamKeys.all, "list"] as const,
  detail: (teamId: string) => [...teamKeys.all, "detail", teamId] as const,
};

const teamPath = (teamId: string) => `/api/v1/teams/${encodeURIComponent(teamId)}`;

export const teamsQueryOptions = () =>
  queryOptions({
    queryKey: teamKeys.list(),
    queryFn: ({ signal }) => apiJson("/api/v1/teams", z.object({ items: z.array(teamSchema) }), { signal }),
    select: (data) => data.items,
  });

export function useTeams() {
  return useQuery(teamsQueryOptions());
}

export function useTeam(teamId: string) {
  return useQuery({
    queryKey: teamKeys.detail(teamId),
    queryFn: ({ signal }) => apiJson(teamPath(teamId), teamSchema, { signal }),
  });
}

/** Teams and the user's roles show in the switcher, the shell and `me`; refresh them together. */
function useInvalidateTeams() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: teamKeys.all }),
      queryClient.invalidateQueries({ queryKey: meKeys.all }),
    ]);
}

export function useCreateTeam() {
  const invalidate = useInvalidateTeams();
  return useMutation({
    mutationFn: (input: CreateTeamInput) => apiJson("/api/v1/teams", teamSchema, { method: "POST", body: input }),
    onSuccess: invalidate,
  });
}

export function useUpdateTeam(teamId: string) {
  const invalidate = useInvalidateTeams();
  return useMutation({
    mutationFn: (input: UpdateTeamInput) => apiJson(teamPath(teamId), teamSchema, { method: "PATCH", body: input }),
    onSuccess: invalidate,
  });
}

/**
 * Drops a team the user no longer belongs to from every cached list without refetching
 * its detail (which would now be a 404); the caller navigates to another team.
 */
function useForgetTeam(teamId: string) {
  const queryClient = useQueryClient();
  return () => {
    queryClient.setQueryData<{ items: Team[] }>(teamKeys.list(), (data) =>
      data ? { items: data.items.filter((team) => team.id !== teamId) } : data,
    );
    queryClient.setQueryData<Me>(meKeys.all, (me) =>
      me ? { ...me, teams: me.teams.filter((team) => team.id !== teamId) } : me,
    );
  };
}

export function useDeleteTeam(teamId: string) {
  const forget = useForgetTeam(teamId);
  return useMutation({
    mutationFn: () => apiVoid(teamPath(teamId), { method: "DELETE" }),
    onSuccess: forget,
  });
}

export function useLeaveTeam(teamId: string) {
  const forget = useForgetTeam(teamId);
  return useMutation({
    mutationFn: () => apiVoid(`${teamPath(teamId)}/leave`, { method: "POST", body: {} }),
    onSuccess: forget,
  });
}

import { type CreateTeamInput, type Me, teamSchema, type UpdateTeamInput } from "@slipway/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiJson, apiVoid } from "../lib/api";
import { meKeys } from "./me";

export const teamKeys = {
  all: ["teams"] as const,
  detail: (teamId: string) => [...teamKeys.all, "detail", teamId] as const,
};

const teamPath = (teamId: string) => `/api/v1/teams/${encodeURIComponent(teamId)}`;

export function useTeam(teamId: string) {
  return useQuery({
    queryKey: teamKeys.detail(teamId),
    queryFn: ({ signal }) => apiJson(teamPath(teamId), teamSchema, { signal }),
  });
}

/** The switcher and the nav read teams and roles from `me`; refresh it with the team. */
function useInvalidateTeam() {
  const queryClient = useQueryClient();
  return (teamId?: string) =>
    Promise.all([
      teamId ? queryClient.invalidateQueries({ queryKey: teamKeys.detail(teamId), exact: true }) : null,
      queryClient.invalidateQueries({ queryKey: meKeys.all }),
    ]);
}

export function useCreateTeam() {
  const invalidate = useInvalidateTeam();
  return useMutation({
    mutationFn: (input: CreateTeamInput) => apiJson("/api/v1/teams", teamSchema, { method: "POST", body: input }),
    onSuccess: () => invalidate(),
  });
}

export function useUpdateTeam(teamId: string) {
  const invalidate = useInvalidateTeam();
  return useMutation({
    mutationFn: (input: UpdateTeamInput) => apiJson(teamPath(teamId), teamSchema, { method: "PATCH", body: input }),
    onSuccess: () => invalidate(teamId),
  });
}

/**
 * Drops a team the user no longer belongs to from `me` without refetching its detail
 * (which would now be a 404); the caller navigates to another team.
 */
function useForgetTeam(teamId: string) {
  const queryClient = useQueryClient();
  return () => {
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

import { type AddMemberInput, type BuiltInRole, memberSchema } from "@slipway/contracts";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { apiJson, apiVoid } from "../lib/api";
import { cursorPagesOptions } from "../lib/pagination";
import { meKeys } from "./me";
import { teamKeys } from "./teams";

export const memberKeys = {
  all: (teamId: string) => [...teamKeys.detail(teamId), "members"] as const,
  list: (teamId: string) => [...memberKeys.all(teamId), "list"] as const,
};

const membersPath = (teamId: string) => `/api/v1/teams/${encodeURIComponent(teamId)}/members`;

export function useMembers(teamId: string) {
  return useInfiniteQuery(
    cursorPagesOptions({ queryKey: memberKeys.list(teamId), path: membersPath(teamId), item: memberSchema }),
  );
}

/** A membership change can change the caller's own role too, so `me` and the team refresh as well. */
function useInvalidateMembership(teamId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: memberKeys.all(teamId) }),
      queryClient.invalidateQueries({ queryKey: teamKeys.detail(teamId), exact: true }),
      queryClient.invalidateQueries({ queryKey: meKeys.all }),
    ]);
}

export function useAddMember(teamId: string) {
  const invalidate = useInvalidateMembership(teamId);
  return useMutation({
    mutationFn: (input: AddMemberInput) => apiJson(membersPath(teamId), memberSchema, { method: "POST", body: input }),
    onSuccess: invalidate,
  });
}

export function useUpdateMemberRole(teamId: string) {
  const invalidate = useInvalidateMembership(teamId);
  return useMutation({
    mutationFn: (input: { userId: string; role: BuiltInRole }) =>
      apiJson(`${membersPath(teamId)}/${encodeURIComponent(input.userId)}`, memberSchema, {
        method: "PATCH",
        body: { role: input.role },
      }),
    onSuccess: invalidate,
  });
}

export function useRemoveMember(teamId: string) {
  const invalidate = useInvalidateMembership(teamId);
  return useMutation({
    mutationFn: (userId: string) =>
      apiVoid(`${membersPath(teamId)}/${encodeURIComponent(userId)}`, { method: "DELETE" }),
    onSuccess: invalidate,
  });
}

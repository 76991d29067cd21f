import { apiTokenSchema, type CreateTokenInput, createdTokenSchema } from "@slipway/contracts";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { apiJson, apiVoid } from "../lib/api";
import { cursorPagesOptions } from "../lib/pagination";
import { teamKeys } from "./teams";

export const tokenKeys = {
  all: (teamId: string) => [...teamKeys.detail(teamId), "tokens"] as const,
  list: (teamId: string) => [...tokenKeys.all(teamId), "list"] as const,
};

const tokensPath = (teamId: string) => `/api/v1/teams/${encodeURIComponent(teamId)}/tokens`;

export function useTokens(teamId: string) {
  return useInfiniteQuery(
    cursorPagesOptions({ queryKey: tokenKeys.list(teamId), path: tokensPath(teamId), item: apiTokenSchema }),
  );
}

export function useCreateToken(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateTokenInput) =>
      apiJson(tokensPath(teamId), createdTokenSchema, { method: "POST", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all(teamId) }),
  });
}

export function useRevokeToken(teamId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: string) =>
      apiVoid(`${tokensPath(teamId)}/${encodeURIComponent(tokenId)}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all(teamId) }),
  });
}

import { meSchema, type updateProfileSchema } from "@slipway/contracts";
import { queryOptions, useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { apiJson } from "../lib/api";

export const meKeys = {
  all: ["me"] as const,
};

export const meQueryOptions = () =>
  queryOptions({
    queryKey: meKeys.all,
    queryFn: ({ signal }) => apiJson("/api/v1/me", meSchema, { signal }),
    staleTime: 60_000,
  });

/** The signed-in user; the app shell loads it before rendering, so it never suspends there. */
export function useMe() {
  return useSuspenseQuery(meQueryOptions()).data;
}

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: z.infer<typeof updateProfileSchema>) =>
      apiJson("/api/v1/me", meSchema, { method: "PATCH", body: input }),
    onSuccess: (me) => queryClient.setQueryData(meKeys.all, me),
  });
}

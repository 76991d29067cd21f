import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiJson, apiVoid } from "../lib/api";
import { meKeys } from "./me";

/** better-auth's session rows; not part of the v1 contracts, so parsed loosely here. */
const authSessionSchema = z.object({
  id: z.string(),
  token: z.string().optional(),
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date().optional(),
  expiresAt: z.coerce.date(),
  ipAddress: z.string().nullish(),
  userAgent: z.string().nullish(),
});
export type AuthSession = z.infer<typeof authSessionSchema>;

const currentSessionSchema = z.object({ session: z.object({ id: z.string() }) }).nullable();

export const sessionKeys = {
  all: ["sessions"] as const,
  list: () => [...sessionKeys.all, "list"] as const,
  current: () => [...sessionKeys.all, "current"] as const,
};

export function useSessions() {
  return useQuery(
    queryOptions({
      queryKey: sessionKeys.list(),
      queryFn: ({ signal }) => apiJson("/api/auth/list-sessions", z.array(authSessionSchema), { signal }),
    }),
  );
}

export function useCurrentSessionId() {
  return useQuery({
    queryKey: sessionKeys.current(),
    queryFn: ({ signal }) => apiJson("/api/auth/get-session", currentSessionSchema, { signal }),
    select: (data) => data?.session.id ?? null,
  });
}

/** After anything that changes who is signed in, nothing cached may survive. */
function useResetCache() {
  const queryClient = useQueryClient();
  return () => {
    queryClient.clear();
  };
}

export function useSignIn() {
  const resetCache = useResetCache();
  return useMutation({
    mutationFn: (input: { email: string; password: string }) =>
      apiVoid("/api/auth/sign-in/email", { method: "POST", body: { ...input, rememberMe: true } }),
    onSuccess: resetCache,
  });
}

export function useSignUp() {
  const resetCache = useResetCache();
  return useMutation({
    mutationFn: (input: { name: string; email: string; password: string }) =>
      apiVoid("/api/auth/sign-up/email", { method: "POST", body: input }),
    onSuccess: resetCache,
  });
}

export function useSignOut() {
  const resetCache = useResetCache();
  return useMutation({
    mutationFn: () => apiVoid("/api/auth/sign-out", { method: "POST", body: {} }),
    onSuccess: resetCache,
  });
}

export function useRevokeAllSessions() {
  const resetCache = useResetCache();
  return useMutation({
    mutationFn: () => apiVoid("/api/auth/revoke-sessions", { method: "POST", body: {} }),
    onSuccess: resetCache,
  });
}

export function useRevokeSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => apiVoid("/api/auth/revoke-session", { method: "POST", body: { token } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionKeys.all }),
  });
}

export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (email: string) =>
      apiVoid("/api/auth/request-password-reset", { method: "POST", body: { email, redirectTo: "/reset-password" } }),
  });
}

/** A reset signs the account out everywhere, this browser included. */
export function useResetPassword() {
  const resetCache = useResetCache();
  return useMutation({
    mutationFn: (input: { token: string; newPassword: string }) =>
      apiVoid("/api/auth/reset-password", { method: "POST", body: input }),
    onSuccess: resetCache,
  });
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { currentPassword: string; newPassword: string; revokeOtherSessions: boolean }) =>
      apiVoid("/api/auth/change-password", { method: "POST", body: input }),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: sessionKeys.all }),
        queryClient.invalidateQueries({ queryKey: meKeys.all }),
      ]),
  });
}

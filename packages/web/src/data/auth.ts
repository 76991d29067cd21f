import { accountSessionSchema } from "@slipway/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiJson, apiVoid } from "../lib/api";
import { meKeys } from "./me";

export const sessionKeys = {
  all: ["sessions"] as const,
  list: () => [...sessionKeys.all, "list"] as const,
};

const sessionsPath = "/api/v1/me/sessions";
const sessionListSchema = z.object({ items: z.array(accountSessionSchema) });

/** The account's signed-in devices; the server marks this browser's with `isCurrent`. */
export function useSessions() {
  return useQuery({
    queryKey: sessionKeys.list(),
    queryFn: ({ signal }) => apiJson(sessionsPath, sessionListSchema, { signal }),
    select: (data) => data.items,
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
    mutationFn: (sessionId: string) =>
      apiVoid(`${sessionsPath}/${encodeURIComponent(sessionId)}`, { method: "DELETE" }),
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

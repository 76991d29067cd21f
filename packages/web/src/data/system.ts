import { passwordVerdictSchema, runtimesSchema, setupStateSchema, systemInfoSchema } from "@slipway/contracts";
import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { apiJson } from "../lib/api";

export const systemKeys = {
  all: ["system"] as const,
  info: () => [...systemKeys.all, "info"] as const,
  runtimes: () => [...systemKeys.all, "runtimes"] as const,
  setup: () => [...systemKeys.all, "setup"] as const,
  passwordCheck: (password: string, email: string | undefined) =>
    [...systemKeys.all, "password-check", password, email ?? null] as const,
};

export const setupStateQueryOptions = () =>
  queryOptions({
    queryKey: systemKeys.setup(),
    queryFn: ({ signal }) => apiJson("/api/v1/system/setup", setupStateSchema, { signal }),
  });

export function useSetupState() {
  return useQuery(setupStateQueryOptions());
}

export function useSystemInfo() {
  return useQuery({
    queryKey: systemKeys.info(),
    queryFn: ({ signal }) => apiJson("/api/v1/system", systemInfoSchema, { signal }),
    staleTime: 5 * 60_000,
  });
}

/** The server's verdict on a password as it is typed; pass an already debounced value. */
export function usePasswordVerdict(password: string, email?: string) {
  return useQuery({
    queryKey: systemKeys.passwordCheck(password, email),
    queryFn: ({ signal }) =>
      apiJson("/api/v1/system/password-check", passwordVerdictSchema, {
        method: "POST",
        body: email ? { password, email } : { password },
        signal,
      }),
    enabled: password.length > 0,
    placeholderData: keepPreviousData,
    // Passwords should not linger in the cache once the field is gone.
    gcTime: 0,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The Node versions builds can choose from, and the other toolchains this host has. */
export function useRuntimes() {
  return useQuery({
    queryKey: systemKeys.runtimes(),
    queryFn: ({ signal }) => apiJson("/api/v1/system/runtimes", runtimesSchema, { signal }),
    staleTime: 10 * 60_000,
  });
}

import {
  type Certificate,
  certificateSchema,
  type IssueCertificateInput,
  type UploadCertificateInput,
} from "@slipway/contracts";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { apiJson, apiVoid } from "../lib/api";
import { cursorPagesOptions, flattenPages } from "../lib/pagination";
import { teamKeys } from "./teams";

export const certificateKeys = {
  all: (teamId: string) => [...teamKeys.detail(teamId), "certificates"] as const,
  list: (teamId: string, projectId: string | undefined) =>
    [...certificateKeys.all(teamId), "list", projectId ?? "all"] as const,
};

const certificatesPath = (teamId: string) => `/api/v1/teams/${encodeURIComponent(teamId)}/certificates`;
const certificatePath = (teamId: string, id: string) => `${certificatesPath(teamId)}/${encodeURIComponent(id)}`;

/** While an ACME order runs, its progress moves every second or two: ask again often. */
const orderRefetchMs = 1500;

/** The team's certificates, or those of one project. */
export function useCertificates(teamId: string, projectId?: string) {
  return useInfiniteQuery({
    ...cursorPagesOptions({
      queryKey: certificateKeys.list(teamId, projectId),
      path: certificatesPath(teamId),
      item: certificateSchema,
      query: { projectId },
      limit: 50,
    }),
    refetchInterval: (query) =>
      flattenPages(query.state.data).some((c: Certificate) => c.progress !== null) ? orderRefetchMs : false,
  });
}

function useCertificateChange<I, O>(teamId: string, change: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: certificateKeys.all(teamId) }),
  });
}

export function useUploadCertificate(teamId: string) {
  return useCertificateChange(teamId, (input: UploadCertificateInput) =>
    apiJson(certificatesPath(teamId), certificateSchema, { method: "POST", body: input }),
  );
}

/** Self-signed comes back active; ACME comes back pending, and the list polls it to the end. */
export function useIssueCertificate(teamId: string) {
  return useCertificateChange(teamId, (input: IssueCertificateInput) =>
    apiJson(`${certificatesPath(teamId)}/issue`, certificateSchema, { method: "POST", body: input }),
  );
}

export function useRenewCertificate(teamId: string) {
  return useCertificateChange(teamId, (id: string) =>
    apiJson(`${certificatePath(teamId, id)}/renew`, certificateSchema, { method: "POST" }),
  );
}

export function useDeleteCertificate(teamId: string) {
  return useCertificateChange(teamId, (id: string) => apiVoid(certificatePath(teamId, id), { method: "DELETE" }));
}

import { type CreateDomainInput, type Domain, domainSchema, type UpdateDomainInput } from "@slipway/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiJson, apiVoid } from "../lib/api";
import { projectPath } from "./projects";
import { teamKeys } from "./teams";

export const domainKeys = {
  list: (teamId: string, projectId: string) => [...teamKeys.detail(teamId), "domains", projectId] as const,
};

const domainsPath = (teamId: string, projectId: string) => `${projectPath(teamId, projectId)}/domains`;
const domainPath = (teamId: string, projectId: string, domainId: string) =>
  `${domainsPath(teamId, projectId)}/${encodeURIComponent(domainId)}`;
const domainListSchema = z.object({ items: z.array(domainSchema) });

/** While a domain waits for its DNS, the server re-checks it in the background; ask again now and then. */
const waitingRefetchMs = 30_000;

export function useDomains(teamId: string, projectId: string) {
  return useQuery({
    queryKey: domainKeys.list(teamId, projectId),
    queryFn: ({ signal }) => apiJson(domainsPath(teamId, projectId), domainListSchema, { signal }),
    select: (data) => data.items,
    refetchInterval: (query) =>
      query.state.data?.items.some((domain) => domain.status !== "verified") ? waitingRefetchMs : false,
  });
}

function useDomainChange<I, O>(teamId: string, projectId: string, change: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: domainKeys.list(teamId, projectId) }),
  });
}

export function useAddDomain(teamId: string, projectId: string) {
  return useDomainChange(teamId, projectId, (input: CreateDomainInput) =>
    apiJson(domainsPath(teamId, projectId), domainSchema, { method: "POST", body: input }),
  );
}

export function useUpdateDomain(teamId: string, projectId: string) {
  return useDomainChange(teamId, projectId, (input: { domainId: string; change: UpdateDomainInput }) =>
    apiJson(domainPath(teamId, projectId, input.domainId), domainSchema, { method: "PATCH", body: input.change }),
  );
}

/** Looks the domain up in DNS now; the answer carries what was found. */
export function useVerifyDomain(teamId: string, projectId: string) {
  return useDomainChange(teamId, projectId, (domainId: string) =>
    apiJson(`${domainPath(teamId, projectId, domainId)}/verify`, domainSchema, { method: "POST" }),
  );
}

export function useRemoveDomain(teamId: string, projectId: string) {
  return useDomainChange(teamId, projectId, (domain: Domain) =>
    apiVoid(domainPath(teamId, projectId, domain.id), { method: "DELETE" }),
  );
}

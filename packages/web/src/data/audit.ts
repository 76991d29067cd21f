import { type AuditQuery, auditEntrySchema } from "@slipway/contracts";
import { useInfiniteQuery } from "@tanstack/react-query";
import { cursorPagesOptions } from "../lib/pagination";
import { teamKeys } from "./teams";

export type AuditFilters = Pick<AuditQuery, "actor" | "action" | "result" | "from" | "to">;

export const auditKeys = {
  all: (teamId: string) => [...teamKeys.detail(teamId), "audit"] as const,
  list: (teamId: string, filters: AuditFilters) => [...auditKeys.all(teamId), "list", filters] as const,
};

export function useAuditEntries(teamId: string, filters: AuditFilters) {
  return useInfiniteQuery(
    cursorPagesOptions({
      queryKey: auditKeys.list(teamId, filters),
      path: `/api/v1/teams/${encodeURIComponent(teamId)}/audit`,
      item: auditEntrySchema,
      query: filters,
      limit: 50,
    }),
  );
}

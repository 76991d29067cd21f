import { type AuditQuery, auditEntrySchema } from "@slipway/contracts";
import { useInfiniteQuery } from "@tanstack/react-query";
import { cursorPagesOptions } from "../lib/pagination";
import { systemKeys } from "./system";
import { teamKeys } from "./teams";

export type AuditFilters = Pick<AuditQuery, "actor" | "action" | "result" | "from" | "to">;

/** `teamId: null` is the instance's own log (sign-ups, sign-ins, sign-outs), as on the server. */
export const auditKeys = {
  all: (teamId: string | null) =>
    teamId === null ? ([...systemKeys.all, "audit"] as const) : ([...teamKeys.detail(teamId), "audit"] as const),
  list: (teamId: string | null, filters: AuditFilters) => [...auditKeys.all(teamId), "list", filters] as const,
};

const auditPath = (teamId: string | null) =>
  teamId === null ? "/api/v1/system/audit" : `/api/v1/teams/${encodeURIComponent(teamId)}/audit`;

export function useAuditEntries(teamId: string | null, filters: AuditFilters) {
  return useInfiniteQuery(
    cursorPagesOptions({
      queryKey: auditKeys.list(teamId, filters),
      path: auditPath(teamId),
      item: auditEntrySchema,
      query: filters,
      limit: 50,
    }),
  );
}

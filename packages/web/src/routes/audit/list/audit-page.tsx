import { getRouteApi } from "@tanstack/react-router";
import { ScrollText, SearchX } from "lucide-react";
import { LoadMore } from "../../../components/load-more";
import { PageHeader } from "../../../components/page-header";
import { EmptyState, ErrorState } from "../../../components/states";
import { Card } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { type AuditFilters, useAuditEntries } from "../../../data/audit";
import { flattenPages } from "../../../lib/pagination";
import type { AuditSearch } from "../../../router";
import { RequirePermission, useCurrentTeam } from "../../teams/team-layout";
import { AuditFilterBar } from "./audit-filter-bar";
import { AuditTable } from "./audit-table";

const route = getRouteApi("/_app/t/$teamId/audit");

/** Calendar days from the URL become instants: the whole of `from` through the whole of `to`, local time. */
function toFilters(search: AuditSearch): AuditFilters {
  const startOf = (day: string) => new Date(`${day}T00:00:00`);
  const endOf = (day: string) => new Date(startOf(day).getTime() + 24 * 3600 * 1000 - 1);
  return {
    actor: search.actor,
    action: search.action,
    result: search.result,
    from: search.from ? startOf(search.from).toISOString() : undefined,
    to: search.to ? endOf(search.to).toISOString() : undefined,
  };
}

export function AuditPage() {
  const { team } = useCurrentTeam();
  return (
    <RequirePermission permission="audit:read">
      <AuditLog teamId={team.id} />
    </RequirePermission>
  );
}

function AuditLog({ teamId }: { teamId: string }) {
  const search = route.useSearch();
  const entries = useAuditEntries(teamId, toFilters(search));
  const items = flattenPages(entries.data);
  const isFiltered = Object.values(search).some((value) => value !== undefined);

  return (
    <div className="grid gap-6">
      <PageHeader
        title="Audit log"
        description="Every change in this team, and every refused attempt: who, what, when and from where."
      />
      <AuditFilterBar search={search} />
      <Card className="overflow-hidden">
        {entries.isPending ? (
          <div className="grid gap-3 p-4">
            {[0, 1, 2, 3, 4].map((row) => (
              <Skeleton key={row} className="h-8" />
            ))}
          </div>
        ) : entries.isError ? (
          <div className="p-4">
            <ErrorState error={entries.error} onRetry={() => void entries.refetch()} />
          </div>
        ) : items.length === 0 ? (
          isFiltered ? (
            <EmptyState icon={SearchX} title="No matching entries" description="Try widening the filters." />
          ) : (
            <EmptyState
              icon={ScrollText}
              title="Nothing recorded yet"
              description="Changes to this team show up here."
            />
          )
        ) : (
          <AuditTable entries={items} />
        )}
        <LoadMore {...entries} />
      </Card>
    </div>
  );
}

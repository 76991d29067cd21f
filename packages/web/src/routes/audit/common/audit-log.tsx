import { useNavigate } from "@tanstack/react-router";
import { ScrollText, SearchX } from "lucide-react";
import { PageHeader } from "../../../components/page-header";
import { PagedList } from "../../../components/paged-list";
import { EmptyState } from "../../../components/states";
import { Card } from "../../../components/ui/card";
import { type AuditFilters, useAuditEntries } from "../../../data/audit";
import type { AuditSearch } from "../../../router";
import { AuditFilterBar } from "./audit-filter-bar";
import { AuditTable } from "./audit-table";

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

/**
 * A page of audit entries with its filters (kept in the URL, so a filtered view can be linked
 * and survives a reload), for a team or, with `teamId: null`, for the instance.
 */
export function AuditLog({
  teamId,
  search,
  title,
  description,
  emptyDescription,
  actionExample,
}: {
  teamId: string | null;
  search: AuditSearch;
  title: string;
  description: string;
  emptyDescription: string;
  /** An action name to show as the Action filter's placeholder. */
  actionExample: string;
}) {
  const navigate = useNavigate();
  const entries = useAuditEntries(teamId, toFilters(search));
  const isFiltered = Object.values(search).some((value) => value !== undefined);

  return (
    <div className="grid gap-6">
      <PageHeader title={title} description={description} />
      <AuditFilterBar
        search={search}
        actionExample={actionExample}
        onChange={(patch) =>
          void navigate({
            to: ".",
            search: (previous: AuditSearch) => (patch ? { ...previous, ...patch } : {}),
            replace: true,
          })
        }
      />
      <Card className="overflow-hidden">
        <PagedList
          query={entries}
          skeletonRows={5}
          skeletonClassName="h-8"
          empty={
            isFiltered ? (
              <EmptyState icon={SearchX} title="No matching entries" description="Try widening the filters." />
            ) : (
              <EmptyState icon={ScrollText} title="Nothing recorded yet" description={emptyDescription} />
            )
          }
        >
          {(items) => <AuditTable entries={items} />}
        </PagedList>
      </Card>
    </div>
  );
}

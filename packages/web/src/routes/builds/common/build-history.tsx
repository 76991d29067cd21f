import { buildStatuses } from "@slipway/contracts";
import { Hammer, SearchX } from "lucide-react";
import type { ReactNode } from "react";
import { ClearFiltersButton, SelectFilter, TextFilter, useClearFilters } from "../../../components/filter-fields";
import { PagedList } from "../../../components/paged-list";
import { EmptyState } from "../../../components/states";
import { Card } from "../../../components/ui/card";
import { useBuilds } from "../../../data/builds";
import { useProjects } from "../../../data/projects";
import { capitalize } from "../../../lib/format";
import { flattenPages } from "../../../lib/pagination";
import type { BuildSearch } from "../../../router";
import { BuildsTable } from "./builds-table";

const statusOptions = buildStatuses.map((status) => ({ value: status, label: capitalize(status) }));

/**
 * Filters (kept in the URL) over a paged table of builds: the team's, or with `projectId` one
 * project's. `onChange` merges a patch into the search; `null` clears every filter.
 */
export function BuildHistory({
  teamId,
  projectId,
  search,
  onChange,
  emptyAction,
}: {
  teamId: string;
  projectId?: string;
  search: BuildSearch;
  onChange: (patch: Partial<BuildSearch> | null) => void;
  emptyAction?: ReactNode;
}) {
  const isTeamWide = projectId === undefined;
  const builds = useBuilds(teamId, { ...search, ...(isTeamWide ? {} : { projectId }) });
  // Names for the Project column and filter; a team with more than 100 projects shows the rest as "—".
  const projects = useProjects(teamId, { limit: 100 });
  const projectList = flattenPages(projects.data);
  const projectNames = new Map(projectList.map((project) => [project.id, project.name]));
  const isFiltered = Object.values(search).some((value) => value !== undefined);
  const { generation, clear } = useClearFilters(() => onChange(null));

  return (
    <div className="grid gap-4">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[repeat(3,minmax(0,14rem))_auto] lg:items-end">
        {isTeamWide ? (
          <SelectFilter
            label="Project"
            anyLabel="All projects"
            value={search.projectId}
            options={projectList.map((project) => ({ value: project.id, label: project.name }))}
            onChange={(next) => onChange({ projectId: next })}
          />
        ) : null}
        <SelectFilter
          label="Status"
          anyLabel="Any status"
          value={search.status}
          options={statusOptions}
          onChange={(status) => onChange({ status })}
        />
        <TextFilter
          key={`branch-${generation}`}
          label="Branch"
          placeholder="e.g. main"
          value={search.branch}
          onChange={(branch) => onChange({ branch })}
        />
        <ClearFiltersButton isFiltered={isFiltered} onClear={clear} />
      </div>
      <Card className="overflow-hidden">
        <PagedList
          query={builds}
          skeletonRows={5}
          skeletonClassName="h-10"
          empty={
            isFiltered ? (
              <EmptyState icon={SearchX} title="No matching builds" description="Try other filters." />
            ) : (
              <EmptyState
                icon={Hammer}
                title="No builds yet"
                description="Builds start when you push to a connected repository, deploy with the CLI, or start one here."
                action={emptyAction}
              />
            )
          }
        >
          {(items) => <BuildsTable teamId={teamId} builds={items} {...(isTeamWide ? { projectNames } : {})} />}
        </PagedList>
      </Card>
    </div>
  );
}

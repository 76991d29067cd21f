import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { PageHeader } from "../../../components/page-header";
import type { BuildSearch } from "../../../router";
import { RequirePermission, useCurrentTeam } from "../../teams/team-layout";
import { BuildAnalytics } from "../common/build-analytics";
import { BuildHistory } from "../common/build-history";
import { NewBuildDialog } from "../common/new-build-dialog";

const route = getRouteApi("/_app/t/$teamId/builds");

/** Every project's builds: seven days of analytics, then the history with filters. */
export function BuildsPage() {
  return (
    <RequirePermission permission="projects:read">
      <TeamBuilds />
    </RequirePermission>
  );
}

function TeamBuilds() {
  const { team, can } = useCurrentTeam();
  const search = route.useSearch();
  const navigate = useNavigate();
  const newBuild = can("builds:create") ? <NewBuildDialog teamId={team.id} /> : null;

  return (
    <div className="grid gap-6">
      <PageHeader
        title="Builds"
        description="Every build of every project in this team: how they went and how long they took."
        actions={newBuild}
      />
      <BuildAnalytics teamId={team.id} />
      <BuildHistory
        teamId={team.id}
        search={search}
        emptyAction={newBuild}
        onChange={(patch) =>
          void navigate({
            to: ".",
            search: (previous: BuildSearch) => (patch ? { ...previous, ...patch } : {}),
            replace: true,
          })
        }
      />
    </div>
  );
}

import { getRouteApi, useNavigate } from "@tanstack/react-router";
import type { BuildSearch } from "../../../router";
import { BuildAnalytics } from "../../builds/common/build-analytics";
import { BuildHistory } from "../../builds/common/build-history";
import { NewBuildDialog } from "../../builds/common/new-build-dialog";
import { useCurrentTeam } from "../../teams/team-layout";
import { useCurrentProject } from "../detail/project-layout";

const route = getRouteApi("/_app/t/$teamId/projects/$projectId/builds");

export function ProjectBuildsPage() {
  const { team, can } = useCurrentTeam();
  const project = useCurrentProject();
  const search = route.useSearch();
  const navigate = useNavigate();
  return (
    <div className="grid gap-6">
      <BuildAnalytics teamId={team.id} projectId={project.id} />
      <BuildHistory
        teamId={team.id}
        projectId={project.id}
        search={search}
        emptyAction={
          project.git && can("builds:create") ? (
            <NewBuildDialog teamId={team.id} project={project} label="Build now" />
          ) : null
        }
        onChange={(patch) =>
          void navigate({
            to: ".",
            search: (previous: Omit<BuildSearch, "projectId">) => (patch ? { ...previous, ...patch } : {}),
            replace: true,
          })
        }
      />
    </div>
  );
}

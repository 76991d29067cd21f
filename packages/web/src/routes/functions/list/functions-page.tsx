import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { SelectFilter } from "../../../components/filter-fields";
import { PageHeader } from "../../../components/page-header";
import { useProjects } from "../../../data/projects";
import { flattenPages } from "../../../lib/pagination";
import { RequirePermission, useCurrentTeam } from "../../teams/team-layout";
import { CreateFunctionButton, FunctionList } from "./function-list";

const route = getRouteApi("/_app/t/$teamId/functions");

/** Every function of the team, optionally one project's. */
export function FunctionsPage() {
  return (
    <RequirePermission permission="projects:read">
      <TeamFunctions />
    </RequirePermission>
  );
}

function TeamFunctions() {
  const { team } = useCurrentTeam();
  const { projectId } = route.useSearch();
  const navigate = useNavigate();
  const projects = useProjects(team.id, { limit: 100 });
  const projectOptions = flattenPages(projects.data).map((project) => ({ value: project.id, label: project.name }));

  return (
    <div className="grid gap-6">
      <PageHeader
        title="Functions"
        description="Handlers that run on demand, each at its own URL, on a schedule or on platform events."
        actions={<CreateFunctionButton {...(projectId ? { projectId } : {})} />}
      />
      <div className="grid sm:max-w-56">
        <SelectFilter
          label="Project"
          anyLabel="All projects"
          value={projectId}
          options={projectOptions}
          onChange={(next) => void navigate({ to: ".", search: { projectId: next }, replace: true })}
        />
      </div>
      <FunctionList isTeamWide {...(projectId ? { projectId } : {})} />
    </div>
  );
}

import type { Deployment } from "@slipway/contracts";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { FileCode2, Rocket } from "lucide-react";
import { EmptyState, ErrorState } from "../../../components/states";
import { Button } from "../../../components/ui/button";
import { Skeleton } from "../../../components/ui/skeleton";
import { useDeployment } from "../../../data/deployments";
import type { RuntimeSearch } from "../../../router";
import { useCurrentTeam } from "../../teams/team-layout";
import { useCurrentProject } from "../detail/project-layout";
import { DeploymentPicker } from "./deployment-picker";
import { InstancesCard } from "./instances-card";
import { RuntimeLogCard } from "./runtime-log-card";

const route = getRouteApi("/_app/t/$teamId/projects/$projectId/runtime");

/** A server app's running side: one deployment's instances (production unless picked) and its live log. */
export function ProjectRuntimePage() {
  const { team } = useCurrentTeam();
  const project = useCurrentProject();
  const search = route.useSearch();
  const navigate = useNavigate();
  const deploymentId = search.deployment ?? project.productionDeploymentId;
  const deployment = useDeployment(team.id, deploymentId);

  /** Merges into the search as it is when applied (a text filter reports after a pause). */
  function changeSearch(patch: Partial<RuntimeSearch>) {
    void navigate({
      to: ".",
      search: (previous: RuntimeSearch) => ({ ...previous, ...patch }),
      replace: true,
    });
  }

  if (deploymentId === null) {
    return (
      <EmptyState
        icon={Rocket}
        title="Nothing deployed yet"
        description="Once a build succeeds, its instances and their logs show here."
        className="rounded-xl border border-dashed"
      />
    );
  }
  return (
    <div className="grid grid-cols-1 gap-6">
      <DeploymentPicker
        teamId={team.id}
        project={project}
        deploymentId={deploymentId}
        // Another deployment's instances are another set: the instance filter does not carry over.
        onChange={(id) =>
          changeSearch({ deployment: id === project.productionDeploymentId ? undefined : id, instance: undefined })
        }
      />
      {deployment.isError ? (
        <ErrorState error={deployment.error} onRetry={() => void deployment.refetch()} />
      ) : !deployment.data ? (
        <div className="grid gap-6" role="status" aria-label="Loading deployment">
          <Skeleton className="h-56" />
          <Skeleton className="h-96" />
        </div>
      ) : deployment.data.kind === "static" ? (
        <StaticDeployment deployment={deployment.data} />
      ) : (
        <>
          <InstancesCard teamId={team.id} project={project} deployment={deployment.data} />
          <RuntimeLogCard
            key={deployment.data.id}
            teamId={team.id}
            deploymentId={deployment.data.id}
            search={search}
            onSearchChange={changeSearch}
          />
        </>
      )}
    </div>
  );
}

function StaticDeployment({ deployment }: { deployment: Deployment }) {
  const { team } = useCurrentTeam();
  return (
    <EmptyState
      icon={FileCode2}
      title="This deployment serves static files"
      description={`The edge serves ${deployment.files} files as they are: nothing runs, so there are no instances or runtime logs. Set a start command to deploy the project as a server.`}
      className="rounded-xl border border-dashed"
      action={
        <Button asChild variant="outline" size="sm">
          <Link
            to="/t/$teamId/projects/$projectId/settings"
            params={{ teamId: team.id, projectId: deployment.projectId }}
            hash="build"
          >
            Build settings
          </Link>
        </Button>
      }
    />
  );
}

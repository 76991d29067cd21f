import type { Project } from "@slipway/contracts";
import { getRouteApi, Link, Outlet } from "@tanstack/react-router";
import { ArrowUpRight, FolderX } from "lucide-react";
import { Avatar } from "../../../components/avatar";
import { ExternalLink } from "../../../components/external-link";
import { EmptyState, ErrorState } from "../../../components/states";
import { Button } from "../../../components/ui/button";
import { Skeleton } from "../../../components/ui/skeleton";
import { useRefreshWhenLatestBuildEnds } from "../../../data/builds";
import { useProject } from "../../../data/projects";
import { isApiError } from "../../../lib/api";
import { NewBuildDialog } from "../../builds/common/new-build-dialog";
import { RequirePermission, useCurrentTeam } from "../../teams/team-layout";
import { isServerApp } from "../common/app-state";
import { PendingEnvBanner } from "./pending-env-banner";
import { ProjectTabs } from "./project-tabs";

const route = getRouteApi("/_app/t/$teamId/projects/$projectId");

/** Every `/projects/$projectId/...` tab: the project's header, its tabs, then the tab. */
export function ProjectLayout() {
  return (
    <RequirePermission permission="projects:read">
      <ProjectFrame />
    </RequirePermission>
  );
}

function ProjectFrame() {
  const { team } = useCurrentTeam();
  const { projectId } = route.useParams();
  const project = useProject(team.id, projectId);
  useRefreshWhenLatestBuildEnds(team.id, projectId);

  if (isApiError(project.error, 404)) {
    return (
      <EmptyState
        icon={FolderX}
        title="Project not found"
        description="It was deleted, or it belongs to another team."
        action={
          <Button asChild variant="outline" size="sm">
            <Link to="/t/$teamId/projects" params={{ teamId: team.id }}>
              All projects
            </Link>
          </Button>
        }
      />
    );
  }
  if (project.isError) return <ErrorState error={project.error} onRetry={() => void project.refetch()} />;
  if (!project.data) return <LayoutSkeleton />;
  return (
    <div className="grid grid-cols-1 gap-6">
      <ProjectHeader project={project.data} />
      <ProjectTabs teamId={team.id} projectId={projectId} isServerApp={isServerApp(project.data)} />
      <PendingEnvBanner project={project.data} />
      <Outlet />
    </div>
  );
}

function ProjectHeader({ project }: { project: Project }) {
  const { team, can } = useCurrentTeam();
  const isDeployed = project.productionDeploymentId !== null;
  return (
    <header className="flex flex-col gap-4 sm:flex-row sm:items-center sm:justify-between">
      <div className="flex min-w-0 items-center gap-3">
        <Avatar name={project.name} seed={project.id} className="size-10 text-sm" />
        <div className="grid min-w-0 gap-0.5">
          <h1 className="truncate font-semibold text-2xl tracking-tight">{project.name}</h1>
          {isDeployed ? (
            <ExternalLink
              href={project.productionUrl}
              data-testid="production-url"
              className="truncate text-muted-foreground text-sm hover:text-foreground"
            />
          ) : (
            <p className="text-muted-foreground text-sm">Not deployed yet</p>
          )}
        </div>
      </div>
      <div className="flex shrink-0 items-center gap-2">
        {isDeployed ? (
          <Button asChild variant="outline" size="sm">
            <ExternalLink href={project.productionUrl}>
              Visit
              <ArrowUpRight />
            </ExternalLink>
          </Button>
        ) : null}
        {project.git && can("builds:create") ? (
          <NewBuildDialog teamId={team.id} project={project} label="Build now" />
        ) : null}
      </div>
    </header>
  );
}

function LayoutSkeleton() {
  return (
    <div className="grid gap-6" role="status" aria-label="Loading project">
      <div className="flex items-center gap-3">
        <Skeleton className="size-10" />
        <div className="grid gap-2">
          <Skeleton className="h-7 w-48" />
          <Skeleton className="h-4 w-64" />
        </div>
      </div>
      <Skeleton className="h-9 w-full max-w-md" />
      <Skeleton className="h-48" />
    </div>
  );
}

/** The project of the current `/projects/$projectId` page; the layout renders tabs only once it has loaded. */
export function useCurrentProject(): Project {
  const { team } = useCurrentTeam();
  const { projectId } = route.useParams();
  const { data } = useProject(team.id, projectId);
  if (!data) throw new Error(`useCurrentProject before project ${projectId} loaded`);
  return data;
}

import type { Build } from "@slipway/contracts";
import { getRouteApi, Link } from "@tanstack/react-router";
import { ArrowUpRight, Rocket } from "lucide-react";
import { useState } from "react";
import { ExternalLink } from "../../../components/external-link";
import { PageHeader } from "../../../components/page-header";
import { ErrorState } from "../../../components/states";
import { Button } from "../../../components/ui/button";
import { Skeleton } from "../../../components/ui/skeleton";
import { useBuildLog } from "../../../data/build-logs";
import { isBuildActive, useBuild } from "../../../data/builds";
import { useProject } from "../../../data/projects";
import { formatDateTime, formatDuration, formatRelative } from "../../../lib/format";
import { RequirePermission, useCurrentTeam } from "../../teams/team-layout";
import { BuildActions } from "../common/build-actions";
import { BuildStatusBadge } from "../common/build-status";
import { actorLabel, BuildSource, triggerLabels } from "../common/builds-table";
import { BuildErrorBox, BuildFacts } from "./build-facts";
import { BuildSteps } from "./build-steps";
import { LogViewer } from "./log-viewer";

const route = getRouteApi("/_app/t/$teamId/builds/$buildId");

export function BuildPage() {
  return (
    <RequirePermission permission="projects:read">
      <BuildDetail />
    </RequirePermission>
  );
}

function BuildDetail() {
  const { team } = useCurrentTeam();
  const { buildId } = route.useParams();
  const build = useBuild(team.id, buildId);
  const [attempt, setAttempt] = useState(0);
  // The log streams from the start, alongside the build's own request.
  const log = useBuildLog(team.id, buildId, attempt);

  if (build.isError) return <ErrorState error={build.error} onRetry={() => void build.refetch()} />;
  return (
    <div className="grid gap-6">
      {build.data ? <BuildHeader build={build.data} /> : <HeaderSkeleton />}
      {build.data?.error ? <BuildErrorBox error={build.data.error} /> : null}
      {build.data ? <DeploymentBanner build={build.data} /> : null}
      {build.data ? <BuildSteps build={build.data} /> : <Skeleton className="h-14" />}
      <LogViewer
        lines={log.lines}
        phase={log.phase}
        isBuildActive={build.data ? isBuildActive(build.data) : true}
        fileName={`build-${build.data?.number ?? buildId}.log`}
        onReconnect={() => setAttempt((n) => n + 1)}
      />
      {build.data ? <BuildFacts build={build.data} /> : null}
    </div>
  );
}

function BuildHeader({ build }: { build: Build }) {
  const { team } = useCurrentTeam();
  const project = useProject(team.id, build.projectId);
  return (
    <PageHeader
      title={
        <span className="flex items-center gap-3">
          Build #{build.number}
          <BuildStatusBadge status={build.status} className="text-sm" />
        </span>
      }
      description={
        <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <Link
            to="/t/$teamId/projects/$projectId"
            params={{ teamId: team.id, projectId: build.projectId }}
            className="font-medium text-foreground underline-offset-4 hover:underline"
          >
            {project.data?.name ?? <Skeleton className="inline-block h-4 w-24 align-middle" />}
          </Link>
          <BuildSource build={build} isInline />
          <span>
            {triggerLabels[build.trigger]} by {actorLabel(build.createdBy)},{" "}
            <span title={formatDateTime(build.createdAt)}>{formatRelative(build.createdAt)}</span>
          </span>
          {build.durationMs !== null ? <span>took {formatDuration(build.durationMs)}</span> : null}
        </span>
      }
      actions={<BuildActions build={build} size="label" />}
    />
  );
}

/** Once the build has deployed: where it answers. */
function DeploymentBanner({ build }: { build: Build }) {
  const { team } = useCurrentTeam();
  if (!build.deploymentId) return null;
  return (
    <div
      className="flex flex-col gap-3 rounded-xl border border-success/40 bg-success/5 p-4 sm:flex-row sm:items-center"
      data-testid="build-deployment"
    >
      <div className="flex min-w-0 flex-1 items-center gap-3">
        <Rocket className="size-5 shrink-0 text-success" />
        <div className="grid min-w-0 gap-0.5">
          <p className="font-medium text-sm">
            Deployed{build.environment === "production" ? " to production" : " as a preview"}
          </p>
          {build.deploymentUrl ? (
            <ExternalLink href={build.deploymentUrl} className="truncate font-mono text-muted-foreground text-xs" />
          ) : null}
        </div>
      </div>
      <div className="flex gap-2">
        <Button asChild variant="outline" size="sm">
          <Link
            to="/t/$teamId/projects/$projectId/deployments"
            params={{ teamId: team.id, projectId: build.projectId }}
          >
            Deployments
          </Link>
        </Button>
        {build.deploymentUrl ? (
          <Button asChild size="sm">
            <ExternalLink href={build.deploymentUrl}>
              Visit
              <ArrowUpRight />
            </ExternalLink>
          </Button>
        ) : null}
      </div>
    </div>
  );
}

function HeaderSkeleton() {
  return (
    <div className="grid gap-2">
      <Skeleton className="h-8 w-48" />
      <Skeleton className="h-4 w-80 max-w-full" />
    </div>
  );
}

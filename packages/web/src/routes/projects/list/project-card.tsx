import type { Project } from "@slipway/contracts";
import { Link } from "@tanstack/react-router";
import { GitBranch, Terminal } from "lucide-react";
import { Avatar } from "../../../components/avatar";
import { ExternalLink } from "../../../components/external-link";
import { Skeleton } from "../../../components/ui/skeleton";
import { useLatestBuild } from "../../../data/builds";
import { formatDateTime, formatRelative } from "../../../lib/format";
import { BuildStatusBadge } from "../../builds/common/build-status";
import { repositoryLabel } from "../common/repository";

/** The whole card opens the project; the production link inside it opens the site. */
export function ProjectCard({ teamId, project }: { teamId: string; project: Project }) {
  return (
    <li
      className="relative grid gap-4 rounded-xl border bg-card p-5 shadow-xs transition-colors focus-within:ring-[3px] focus-within:ring-ring/50 hover:border-foreground/20"
      data-testid="project-card"
    >
      <div className="flex items-start gap-3">
        <Avatar name={project.name} seed={project.id} className="size-9 text-xs" />
        <div className="grid min-w-0 gap-0.5">
          <Link
            to="/t/$teamId/projects/$projectId"
            params={{ teamId, projectId: project.id }}
            className="truncate font-semibold outline-none after:absolute after:inset-0 after:content-['']"
          >
            {project.name}
          </Link>
          {project.productionDeploymentId ? (
            <ExternalLink
              href={project.productionUrl}
              className="relative z-10 truncate text-muted-foreground text-sm hover:text-foreground"
            />
          ) : (
            <span className="text-muted-foreground text-sm">Not deployed yet</span>
          )}
        </div>
      </div>
      <LatestBuild teamId={teamId} projectId={project.id} />
      <p className="flex min-w-0 items-center gap-1.5 text-muted-foreground text-xs">
        {project.git ? (
          <>
            <GitBranch className="size-3.5 shrink-0" aria-hidden />
            <span className="truncate">{repositoryLabel(project.git.url)}</span>
            <span className="shrink-0 font-mono">· {project.git.branch}</span>
          </>
        ) : (
          <>
            <Terminal className="size-3.5 shrink-0" aria-hidden />
            Deploys from the CLI
          </>
        )}
      </p>
    </li>
  );
}

function LatestBuild({ teamId, projectId }: { teamId: string; projectId: string }) {
  const latest = useLatestBuild(teamId, projectId);
  if (latest.isPending) return <Skeleton className="h-5 w-40" />;
  if (latest.isError || !latest.data) {
    return <p className="text-muted-foreground text-sm">{latest.isError ? "Builds couldn't load" : "No builds yet"}</p>;
  }
  const build = latest.data;
  return (
    <p className="flex items-center gap-2 text-sm">
      <BuildStatusBadge status={build.status} />
      <span className="text-muted-foreground">
        #{build.number} · <span title={formatDateTime(build.createdAt)}>{formatRelative(build.createdAt)}</span>
      </span>
    </p>
  );
}

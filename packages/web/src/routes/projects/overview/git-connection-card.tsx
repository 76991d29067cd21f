import type { Project } from "@slipway/contracts";
import { Link } from "@tanstack/react-router";
import { GitBranch } from "lucide-react";
import { Button } from "../../../components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { useCurrentTeam } from "../../teams/team-layout";
import { repositoryLabel } from "../common/repository";
import { WebhookSetup } from "./webhook-setup";

/** The repository, and how to make it build on every push. */
export function GitConnectionCard({ project, git }: { project: Project; git: NonNullable<Project["git"]> }) {
  const { team, can } = useCurrentTeam();
  return (
    <Card>
      <CardHeader className="flex-row items-start justify-between gap-4">
        <div className="grid gap-1.5">
          <CardTitle>Git repository</CardTitle>
          <CardDescription>
            A push to any branch builds it; a push to <span className="font-mono">{project.productionBranch}</span> goes
            to production.
          </CardDescription>
        </div>
        {can("projects:update") ? (
          <Button asChild variant="ghost" size="sm">
            <Link
              to="/t/$teamId/projects/$projectId/settings"
              params={{ teamId: team.id, projectId: project.id }}
              hash="git"
            >
              Edit
            </Link>
          </Button>
        ) : null}
      </CardHeader>
      <CardContent className="grid grid-cols-1 gap-6">
        <dl className="grid gap-4 text-sm sm:grid-cols-3">
          <div className="grid min-w-0 gap-1 sm:col-span-3">
            <dt className="text-muted-foreground text-xs">Repository</dt>
            <dd className="flex min-w-0 items-center gap-1.5 font-medium">
              <GitBranch className="size-4 shrink-0 text-muted-foreground" aria-hidden />
              <span className="truncate" title={git.url}>
                {repositoryLabel(git.url)}
              </span>
            </dd>
          </div>
          <Fact label="Branch" value={git.branch} />
          <Fact label="Production branch" value={project.productionBranch} />
          <Fact label="Root directory" value={git.rootDir || "/"} />
        </dl>
        {can("projects:update") ? (
          <WebhookSetup teamId={team.id} project={project} />
        ) : (
          <p className="text-muted-foreground text-sm">
            The push webhook and its secret are shown to roles that may change the project.
          </p>
        )}
      </CardContent>
    </Card>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div className="grid min-w-0 gap-1">
      <dt className="text-muted-foreground text-xs">{label}</dt>
      <dd className="truncate font-mono text-sm">{value}</dd>
    </div>
  );
}

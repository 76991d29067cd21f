import type { Project } from "@slipway/contracts";
import { Link } from "@tanstack/react-router";
import { Rocket } from "lucide-react";
import type { ReactNode } from "react";
import { ExternalLink } from "../../../components/external-link";
import { EmptyState, ErrorState } from "../../../components/states";
import { Badge } from "../../../components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { useBuild } from "../../../data/builds";
import { useDeployment } from "../../../data/deployments";
import { displayUrl, formatDateTime, formatRelative } from "../../../lib/format";
import { actorLabel, BuildSource } from "../../builds/common/builds-table";

/** What visitors get at the production URL right now, and where it came from. */
export function ProductionCard({ teamId, project }: { teamId: string; project: Project }) {
  const deployment = useDeployment(teamId, project.productionDeploymentId);
  return (
    <Card data-testid="production-card">
      <CardHeader>
        <CardTitle>Production</CardTitle>
      </CardHeader>
      {project.productionDeploymentId === null ? (
        <EmptyState
          icon={Rocket}
          title="Nothing in production yet"
          description={
            project.git
              ? `Build ${project.productionBranch} to put it at ${displayUrl(project.productionUrl)}.`
              : "Deploy with the CLI to put it online."
          }
          className="pt-6"
        />
      ) : deployment.isError ? (
        <CardContent>
          <ErrorState error={deployment.error} onRetry={() => void deployment.refetch()} />
        </CardContent>
      ) : (
        <CardContent>
          <dl className="grid grid-cols-1 gap-x-8 gap-y-4 sm:grid-cols-2 lg:grid-cols-3">
            <Fact label="Domain">
              <ExternalLink href={project.productionUrl} className="font-medium" />
            </Fact>
            <Fact label="Status">
              <Badge variant="success">Ready</Badge>
            </Fact>
            <Fact label="Deployed">
              {deployment.data ? (
                <span title={formatDateTime(deployment.data.createdAt)}>
                  {formatRelative(deployment.data.createdAt)}
                </span>
              ) : (
                <Skeleton className="h-5 w-24" />
              )}
            </Fact>
            <Fact label="Deployment">
              {deployment.data ? (
                <ExternalLink
                  href={deployment.data.url}
                  className="break-all font-mono text-xs"
                  data-testid="production-deployment-url"
                />
              ) : (
                <Skeleton className="h-5 w-48" />
              )}
            </Fact>
            {deployment.data ? <BuildFacts teamId={teamId} buildId={deployment.data.buildId} /> : null}
          </dl>
        </CardContent>
      )}
    </Card>
  );
}

/** Source and author come from the build (the deployment does not carry the commit). */
function BuildFacts({ teamId, buildId }: { teamId: string; buildId: string }) {
  const build = useBuild(teamId, buildId);
  if (!build.data) {
    return (
      <Fact label="Source">
        <Skeleton className="h-5 w-32" />
      </Fact>
    );
  }
  return (
    <>
      <Fact label="Source">
        <BuildSource build={build.data} />
      </Fact>
      <Fact label="Build">
        <Link
          to="/t/$teamId/builds/$buildId"
          params={{ teamId, buildId }}
          className="font-medium underline-offset-4 hover:underline"
        >
          #{build.data.number}
        </Link>{" "}
        <span className="text-muted-foreground">by {actorLabel(build.data.createdBy)}</span>
      </Fact>
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid min-w-0 content-start gap-1">
      <dt className="text-muted-foreground text-xs">{label}</dt>
      <dd className="min-w-0 text-sm">{children}</dd>
    </div>
  );
}

import type { Project } from "@slipway/contracts";
import { Link } from "@tanstack/react-router";
import { Rocket } from "lucide-react";
import { PagedList } from "../../../components/paged-list";
import { EmptyState } from "../../../components/states";
import { Button } from "../../../components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { useDeployments } from "../../../data/deployments";
import { DeploymentRow } from "../common/deployment-row";

/** The five newest deployments; the Deployments tab has them all. */
export function LatestDeploymentsCard({ teamId, project }: { teamId: string; project: Project }) {
  const deployments = useDeployments(teamId, project.id, { limit: 5 });
  return (
    <Card>
      <CardHeader className="flex-row items-start justify-between gap-4 pb-4">
        <div className="grid gap-1.5">
          <CardTitle>Latest deployments</CardTitle>
          <CardDescription>Each build that succeeds stays online at its own URL.</CardDescription>
        </div>
        <Button asChild variant="ghost" size="sm">
          <Link to="/t/$teamId/projects/$projectId/deployments" params={{ teamId, projectId: project.id }}>
            View all
          </Link>
        </Button>
      </CardHeader>
      {/* A preview of the first page only: no "Load more" here. */}
      <PagedList
        query={{ ...deployments, hasNextPage: false }}
        isBelowHeader
        skeletonRows={2}
        skeletonClassName="h-10"
        empty={<EmptyState icon={Rocket} title="No deployments yet" />}
      >
        {(items) => (
          <ul className="divide-y border-t" aria-label="Latest deployments">
            {items.map((deployment) => (
              <DeploymentRow key={deployment.id} teamId={teamId} deployment={deployment} />
            ))}
          </ul>
        )}
      </PagedList>
    </Card>
  );
}

import type { Deployment, Project } from "@slipway/contracts";
import { History, Rocket } from "lucide-react";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { PagedList } from "../../../components/paged-list";
import { EmptyState } from "../../../components/states";
import { Button } from "../../../components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { useDeployments, usePromoteDeployment, useRollbackProduction } from "../../../data/deployments";
import { displayUrl } from "../../../lib/format";
import { withToasts } from "../../../lib/toast";
import { useCurrentTeam } from "../../teams/team-layout";
import { DeploymentRow } from "../common/deployment-row";
import { useCurrentProject } from "../detail/project-layout";

/** Every deployment, newest first; production can move to any of them, or back one step. */
export function ProjectDeploymentsPage() {
  const { team, can } = useCurrentTeam();
  const project = useCurrentProject();
  const deployments = useDeployments(team.id, project.id);
  const canPromote = can("deployments:promote");

  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-4 pb-4">
        <div className="grid gap-1.5">
          <CardTitle>Deployments</CardTitle>
          <CardDescription>
            Every successful build stays deployed at its own URL. Production serves one of them.
          </CardDescription>
        </div>
        {canPromote && project.productionDeploymentId ? <RollbackButton project={project} /> : null}
      </CardHeader>
      <PagedList
        query={deployments}
        isBelowHeader
        skeletonClassName="h-12"
        empty={
          <EmptyState
            icon={Rocket}
            title="No deployments yet"
            description="A build that succeeds becomes a deployment."
          />
        }
      >
        {(items) => (
          <ul className="divide-y border-t" aria-label="Deployments">
            {items.map((deployment) => (
              <DeploymentRow
                key={deployment.id}
                teamId={team.id}
                deployment={deployment}
                actions={
                  canPromote && !deployment.isProduction ? (
                    <PromoteButton project={project} deployment={deployment} />
                  ) : null
                }
              />
            ))}
          </ul>
        )}
      </PagedList>
    </Card>
  );
}

function RollbackButton({ project }: { project: Project }) {
  const { team } = useCurrentTeam();
  const rollback = useRollbackProduction(team.id, project.id);
  return (
    <ConfirmDialog
      trigger={
        <Button variant="outline" size="sm">
          <History />
          Roll back to previous
        </Button>
      }
      title="Roll back production?"
      description={`${displayUrl(project.productionUrl)} goes back to the deployment that was in production before this one, right away.`}
      confirmLabel="Roll back"
      onConfirm={() =>
        withToasts(rollback.mutateAsync(project.id), {
          success: "Rolled back production",
          error: "Couldn't roll back",
        })
      }
    />
  );
}

function PromoteButton({ project, deployment }: { project: Project; deployment: Deployment }) {
  const { team } = useCurrentTeam();
  const promote = usePromoteDeployment(team.id, project.id);
  return (
    <ConfirmDialog
      trigger={
        <Button variant="outline" size="sm" aria-label={`Promote ${displayUrl(deployment.url)} to production`}>
          <Rocket />
          Promote
        </Button>
      }
      title="Promote to production?"
      description={`${displayUrl(project.productionUrl)} serves ${displayUrl(deployment.url)} right away.`}
      confirmLabel="Promote"
      onConfirm={() =>
        withToasts(promote.mutateAsync(deployment.id), {
          success: "Promoted to production",
          error: "Couldn't promote the deployment",
        })
      }
    />
  );
}

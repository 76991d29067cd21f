import type { Deployment, DeploymentRuntime, Project } from "@slipway/contracts";
import { AlertTriangle, Moon, Power } from "lucide-react";
import { EmptyState, ErrorState } from "../../../components/states";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { useDeploymentRuntime } from "../../../data/apps";
import { useCurrentTeam } from "../../teams/team-layout";
import { AppStateBadge } from "../common/app-state";
import { InstancesTable } from "./instances-table";
import { RestartButton, ScaleControl } from "./runtime-actions";

/** The deployment's instances now, refreshed every few seconds; scale and restart for roles that may. */
export function InstancesCard({
  teamId,
  project,
  deployment,
}: {
  teamId: string;
  project: Project;
  deployment: Deployment;
}) {
  const { can } = useCurrentTeam();
  const runtime = useDeploymentRuntime(teamId, deployment.id);
  const { memoryMb, cpus } = project.runtime;

  return (
    <Card data-testid="instances-card">
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-4 pb-4">
        <div className="grid min-w-0 gap-1.5">
          <CardTitle className="flex flex-wrap items-center gap-2">
            Instances
            {runtime.data ? <AppStateBadge state={runtime.data.state} /> : null}
          </CardTitle>
          <CardDescription>
            {runtime.data ? <RunningCount runtime={runtime.data} /> : "Loading…"} Each instance gets {memoryMb} MB and{" "}
            {cpus} CPU{cpus === 1 ? "" : "s"}.
          </CardDescription>
        </div>
        {can("apps:manage") && runtime.data ? (
          <div className="flex flex-wrap items-end gap-2">
            <ScaleControl
              key={deployment.id}
              teamId={teamId}
              deploymentId={deployment.id}
              current={runtime.data.desiredInstances}
              maxInstances={project.runtime.maxInstances}
            />
            <RestartButton teamId={teamId} deploymentId={deployment.id} />
          </div>
        ) : null}
      </CardHeader>
      {runtime.isError ? (
        <CardContent className="border-t pt-6">
          <ErrorState error={runtime.error} onRetry={() => void runtime.refetch()} />
        </CardContent>
      ) : !runtime.data ? (
        <div className="grid gap-3 border-t p-4">
          <Skeleton className="h-9" />
          <Skeleton className="h-9" />
        </div>
      ) : (
        <RuntimeBody runtime={runtime.data} memoryMb={memoryMb} />
      )}
    </Card>
  );
}

/** "2 of 3 instances running": healthy ones against what the platform wants now. */
function RunningCount({ runtime }: { runtime: DeploymentRuntime }) {
  const running = runtime.instances.filter((instance) => instance.state === "healthy").length;
  return (
    <span data-testid="running-count">
      {running} of {runtime.desiredInstances} instance{runtime.desiredInstances === 1 ? "" : "s"} running.
    </span>
  );
}

function RuntimeBody({ runtime, memoryMb }: { runtime: DeploymentRuntime; memoryMb: number }) {
  return (
    <>
      {runtime.state === "unhealthy" ? (
        <div className="px-6 pb-4">
          <div
            role="alert"
            data-testid="unhealthy-alert"
            className="flex gap-3 rounded-lg border border-destructive/40 bg-destructive/5 p-3 text-sm"
          >
            <AlertTriangle className="mt-0.5 size-4 shrink-0 text-destructive" />
            <div className="grid min-w-0 flex-1 gap-2">
              <p className="font-medium text-destructive">The app is unhealthy</p>
              <p className="text-muted-foreground">
                Slipway stopped restarting it: fix the cause and deploy again, or restart to try once more.
              </p>
              {runtime.reason ? (
                <pre className="max-h-40 overflow-auto whitespace-pre-wrap break-words rounded-md bg-background/70 p-2 font-mono text-xs">
                  {runtime.reason}
                </pre>
              ) : null}
            </div>
          </div>
        </div>
      ) : null}
      {runtime.instances.length > 0 ? (
        <div className="border-t">
          <InstancesTable instances={runtime.instances} memoryMb={memoryMb} />
        </div>
      ) : runtime.state === "idle" ? (
        <EmptyState
          icon={Moon}
          title="Scaled to zero"
          description="No instance runs while nobody visits. The next request starts one and waits for it."
          className="border-t"
        />
      ) : (
        <EmptyState
          icon={Power}
          title="No instances"
          description="Nothing runs for this deployment right now."
          className="border-t"
        />
      )}
    </>
  );
}

import type { Deployment, Project } from "@slipway/contracts";
import { ArrowUpRight } from "lucide-react";
import { useId } from "react";
import { ExternalLink } from "../../../components/external-link";
import { Button } from "../../../components/ui/button";
import { Label } from "../../../components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { useDeployment, useDeployments } from "../../../data/deployments";
import { capitalize, formatRelative, shortSha } from "../../../lib/format";
import { flattenPages } from "../../../lib/pagination";

/** How many recent deployments the picker offers; older ones are reached from the Deployments tab. */
const pickerLimit = 50;

/** "Production · main@1a2b3c4 · 5 minutes ago" */
function deploymentLabel(deployment: Deployment): string {
  const role = deployment.isProduction ? "Production" : capitalize(deployment.environment);
  const source = deployment.branch
    ? `${deployment.branch}${deployment.commitSha ? `@${shortSha(deployment.commitSha)}` : ""}`
    : "CLI upload";
  return `${role} · ${source} · ${formatRelative(deployment.createdAt)}`;
}

/** Which deployment's instances and log the page shows: the project's recent server app deployments. */
export function DeploymentPicker({
  teamId,
  project,
  deploymentId,
  onChange,
}: {
  teamId: string;
  project: Project;
  deploymentId: string;
  onChange: (deploymentId: string) => void;
}) {
  const id = useId();
  const recent = useDeployments(teamId, project.id, { limit: pickerLimit });
  const picked = useDeployment(teamId, deploymentId);
  const apps = flattenPages(recent.data).filter((deployment) => deployment.kind === "app");
  // One picked from an older page (a link from the Deployments tab) is offered too.
  const options = picked.data && !apps.some((d) => d.id === picked.data.id) ? [picked.data, ...apps] : apps;

  return (
    <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
      <Label htmlFor={id} className="shrink-0 text-muted-foreground">
        Deployment
      </Label>
      <div className="flex min-w-0 flex-1 items-center gap-2">
        <Select value={deploymentId} onValueChange={onChange}>
          <SelectTrigger id={id} className="min-w-0 sm:max-w-md" data-testid="deployment-picker">
            <SelectValue placeholder="Loading deployments…" />
          </SelectTrigger>
          <SelectContent>
            {options.map((deployment) => (
              <SelectItem key={deployment.id} value={deployment.id}>
                {deploymentLabel(deployment)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        {picked.data ? (
          <Button asChild variant="outline" size="sm" className="h-9">
            <ExternalLink href={picked.data.url}>
              Visit
              <ArrowUpRight />
            </ExternalLink>
          </Button>
        ) : null}
      </div>
    </div>
  );
}

import type { Deployment } from "@slipway/contracts";
import { Link } from "@tanstack/react-router";
import { GitBranch, GitCommitHorizontal } from "lucide-react";
import type { ReactNode } from "react";
import { ExternalLink } from "../../../components/external-link";
import { Badge } from "../../../components/ui/badge";
import { formatBytes, formatDateTime, formatRelative, shortSha } from "../../../lib/format";
import { AppStateBadge } from "./app-state";

/** One deployment: where it answers, what it was built from, when; `actions` on the right. */
export function DeploymentRow({
  teamId,
  deployment,
  actions,
}: {
  teamId: string;
  deployment: Deployment;
  actions?: ReactNode;
}) {
  return (
    <li
      className="flex flex-col gap-3 px-6 py-3.5 sm:flex-row sm:items-center"
      data-testid="deployment-row"
      data-production={deployment.isProduction}
      data-kind={deployment.kind}
    >
      <div className="grid min-w-0 flex-1 gap-1">
        <div className="flex min-w-0 flex-wrap items-center gap-2">
          <ExternalLink href={deployment.url} className="min-w-0 truncate font-medium font-mono text-sm" />
          {deployment.isProduction ? <Badge variant="success">Production</Badge> : null}
          {deployment.environment === "preview" ? <Badge variant="outline">Preview</Badge> : null}
          <Badge variant="outline" className="text-muted-foreground" data-testid="deployment-kind">
            {deployment.kind === "app" ? "App" : "Static"}
          </Badge>
          {deployment.runtime ? <AppStateBadge state={deployment.runtime.state} /> : null}
        </div>
        <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-muted-foreground text-xs">
          {deployment.branch ? (
            <span className="flex items-center gap-1">
              <GitBranch className="size-3.5" aria-hidden />
              {deployment.branch}
            </span>
          ) : null}
          {deployment.commitSha ? (
            <span className="flex items-center gap-1 font-mono" title={deployment.commitSha}>
              <GitCommitHorizontal className="size-3.5" aria-hidden />
              {shortSha(deployment.commitSha)}
            </span>
          ) : null}
          <span title={formatDateTime(deployment.createdAt)}>{formatRelative(deployment.createdAt)}</span>
          <span>
            {deployment.files} files · {formatBytes(deployment.bytes)}
          </span>
          <Link
            to="/t/$teamId/builds/$buildId"
            params={{ teamId, buildId: deployment.buildId }}
            className="underline-offset-4 hover:text-foreground hover:underline"
          >
            Build
          </Link>
          {deployment.kind === "app" ? (
            <Link
              to="/t/$teamId/projects/$projectId/runtime"
              params={{ teamId, projectId: deployment.projectId }}
              search={{ deployment: deployment.id }}
              className="underline-offset-4 hover:text-foreground hover:underline"
            >
              Instances & logs
            </Link>
          ) : null}
        </p>
      </div>
      {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
    </li>
  );
}

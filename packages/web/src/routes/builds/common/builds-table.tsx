import type { Build } from "@slipway/contracts";
import { Link } from "@tanstack/react-router";
import { GitBranch, GitCommitHorizontal } from "lucide-react";
import { Badge } from "../../../components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { formatDateTime, formatDuration, formatRelative, shortSha } from "../../../lib/format";
import { cn } from "../../../lib/utils";
import { BuildActions } from "./build-actions";
import { BuildStatusBadge } from "./build-status";

export const triggerLabels: Record<Build["trigger"], string> = {
  manual: "Manual",
  git: "Git push",
  "deploy-hook": "Deploy hook",
  cli: "CLI",
  retry: "Retry",
};

export function actorLabel(createdBy: Build["createdBy"]): string {
  if (createdBy.label) return createdBy.label;
  return createdBy.type === "system" ? "Slipway" : (createdBy.id ?? createdBy.type);
}

/** `projectNames` adds a Project column (the team-wide list). */
export function BuildsTable({
  teamId,
  builds,
  projectNames,
}: {
  teamId: string;
  builds: Build[];
  projectNames?: ReadonlyMap<string, string>;
}) {
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Build</TableHead>
          {projectNames ? <TableHead>Project</TableHead> : null}
          <TableHead>Source</TableHead>
          <TableHead>Trigger</TableHead>
          <TableHead>Duration</TableHead>
          <TableHead>Started by</TableHead>
          <TableHead>
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {builds.map((build) => (
          <TableRow key={build.id} data-testid="build-row">
            <TableCell>
              <div className="flex items-center gap-3">
                <Link
                  to="/t/$teamId/builds/$buildId"
                  params={{ teamId, buildId: build.id }}
                  className="font-medium tabular-nums underline-offset-4 outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
                >
                  #{build.number}
                </Link>
                <BuildStatusBadge status={build.status} />
              </div>
            </TableCell>
            {projectNames ? (
              <TableCell className="max-w-48 truncate font-medium">
                {projectNames.get(build.projectId) ?? "—"}
              </TableCell>
            ) : null}
            <TableCell>
              <BuildSource build={build} />
            </TableCell>
            <TableCell>
              <div className="flex items-center gap-2">
                <span>{triggerLabels[build.trigger]}</span>
                {build.environment === "production" ? <Badge variant="outline">Production</Badge> : null}
              </div>
            </TableCell>
            <TableCell className="text-muted-foreground tabular-nums">
              {build.durationMs !== null
                ? formatDuration(build.durationMs)
                : build.status === "running"
                  ? "Running…"
                  : "—"}
            </TableCell>
            <TableCell>
              <div className="grid leading-tight">
                <span className="max-w-48 truncate">{actorLabel(build.createdBy)}</span>
                <span className="text-muted-foreground text-xs" title={formatDateTime(build.createdAt)}>
                  {formatRelative(build.createdAt)}
                </span>
              </div>
            </TableCell>
            <TableCell className="text-right">
              <BuildActions build={build} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Branch and short commit (stacked in tables, side by side in a line of text), or "Upload" for a CLI source. */
export function BuildSource({
  build,
  isInline = false,
}: {
  build: Pick<Build, "branch" | "commitSha" | "source">;
  isInline?: boolean;
}) {
  return (
    <span className={cn("gap-0.5 leading-tight", isInline ? "inline-flex items-center gap-3" : "grid")}>
      <span className="flex items-center gap-1.5">
        <GitBranch className="size-3.5 text-muted-foreground" aria-hidden />
        <span className="max-w-40 truncate">{build.branch ?? (build.source === "archive" ? "Upload" : "—")}</span>
      </span>
      {build.commitSha ? (
        <span className="flex items-center gap-1.5 font-mono text-muted-foreground text-xs" title={build.commitSha}>
          <GitCommitHorizontal className="size-3.5" aria-hidden />
          {shortSha(build.commitSha)}
        </span>
      ) : null}
    </span>
  );
}

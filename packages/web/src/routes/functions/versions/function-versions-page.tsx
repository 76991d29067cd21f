import type { FunctionVersion, ServerlessFunction } from "@slipway/contracts";
import { Link } from "@tanstack/react-router";
import { Code2, History, Undo2, Upload } from "lucide-react";
import { Fragment } from "react";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { EmptyState, ErrorState } from "../../../components/states";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { Card } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { useFunctionVersions, useRollbackFunction } from "../../../data/functions";
import { formatBytes, formatDateTime, formatDuration, formatRelative } from "../../../lib/format";
import { withToasts } from "../../../lib/toast";
import { useCurrentTeam } from "../../teams/team-layout";
import { useCurrentFunction } from "../detail/function-layout";

/** The Versions tab: every deploy, newest first; any ready one can be put back in production. */
export function FunctionVersionsPage() {
  const { team } = useCurrentTeam();
  const fn = useCurrentFunction();
  const versions = useFunctionVersions(team.id, fn.id);

  if (versions.isError) return <ErrorState error={versions.error} onRetry={() => void versions.refetch()} />;
  return (
    <Card className="overflow-hidden">
      {versions.isPending ? (
        <div className="grid gap-3 p-4">
          <Skeleton className="h-10" />
          <Skeleton className="h-10" />
        </div>
      ) : versions.data.length === 0 ? (
        <EmptyState icon={History} title="No versions yet" description="Deploy from the Code tab or the CLI." />
      ) : (
        <VersionsTable fn={fn} versions={versions.data} />
      )}
    </Card>
  );
}

function VersionsTable({ fn, versions }: { fn: ServerlessFunction; versions: FunctionVersion[] }) {
  const { team } = useCurrentTeam();
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Version</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Size</TableHead>
          <TableHead>Build</TableHead>
          <TableHead>Deployed</TableHead>
          <TableHead>
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {versions.map((version) => (
          <Fragment key={version.id}>
            <TableRow
              data-testid="version-row"
              data-number={version.number}
              data-production={version.isProduction}
              className={version.error ? "border-b-0" : undefined}
            >
              <TableCell>
                <div className="flex items-center gap-2">
                  <span className="font-medium tabular-nums">v{version.number}</span>
                  {version.isProduction ? <Badge data-testid="production-badge">Production</Badge> : null}
                </div>
              </TableCell>
              <TableCell>
                {version.status === "ready" ? (
                  <Badge variant="success">Ready</Badge>
                ) : (
                  <Badge variant="destructive">Failed</Badge>
                )}
              </TableCell>
              <TableCell className="text-muted-foreground tabular-nums">
                {version.sizeBytes !== null ? formatBytes(version.sizeBytes) : "—"}
              </TableCell>
              <TableCell className="text-muted-foreground tabular-nums">
                {version.buildMs !== null ? formatDuration(version.buildMs) : "—"}
              </TableCell>
              <TableCell>
                <div className="grid leading-tight">
                  <span title={formatDateTime(version.createdAt)}>{formatRelative(version.createdAt)}</span>
                  <span className="max-w-48 truncate text-muted-foreground text-xs">{version.createdBy ?? "—"}</span>
                </div>
              </TableCell>
              <TableCell>
                <div className="flex justify-end gap-1">
                  <Button asChild variant="ghost" size="sm">
                    <Link
                      to="/t/$teamId/functions/$functionId"
                      params={{ teamId: team.id, functionId: fn.id }}
                      search={{ version: version.id }}
                    >
                      <Code2 />
                      Code
                    </Link>
                  </Button>
                  <PromoteButton fn={fn} version={version} />
                </div>
              </TableCell>
            </TableRow>
            {version.error ? (
              <TableRow className="hover:bg-transparent">
                <TableCell colSpan={6} className="whitespace-normal pt-0">
                  <pre
                    className="max-h-40 overflow-auto rounded-lg border border-destructive/30 bg-destructive/5 p-3 font-mono text-destructive text-xs"
                    data-testid="version-error"
                  >
                    {version.error}
                  </pre>
                </TableCell>
              </TableRow>
            ) : null}
          </Fragment>
        ))}
      </TableBody>
    </Table>
  );
}

/** "Roll back" to an older ready version, "Promote" a newer one; either moves production after a confirm. */
function PromoteButton({ fn, version }: { fn: ServerlessFunction; version: FunctionVersion }) {
  const { team, can } = useCurrentTeam();
  const rollback = useRollbackFunction(team.id, fn.id);
  if (!can("functions:manage") || version.status !== "ready" || version.isProduction) return null;
  const isOlder = fn.productionVersion !== null && version.number < fn.productionVersion;
  const action = isOlder ? "Roll back" : "Promote";
  return (
    <ConfirmDialog
      trigger={
        <Button variant="outline" size="sm">
          {isOlder ? <Undo2 /> : <Upload />}
          {action}
        </Button>
      }
      title={isOlder ? `Roll back to version ${version.number}?` : `Promote version ${version.number}?`}
      description={`${fn.name} serves version ${version.number} from the next call on${
        fn.productionVersion !== null ? `, instead of version ${fn.productionVersion}` : ""
      }. You can move it back at any time.`}
      confirmLabel={action}
      confirmVariant="default"
      onConfirm={() =>
        withToasts(rollback.mutateAsync(version.id), {
          success: `Version ${version.number} is in production`,
          error: `Couldn't ${action.toLowerCase()}`,
        })
      }
    />
  );
}

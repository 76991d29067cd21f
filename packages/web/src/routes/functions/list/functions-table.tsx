import type { ServerlessFunction } from "@slipway/contracts";
import { Link } from "@tanstack/react-router";
import { Lock } from "lucide-react";
import { CopyButton } from "../../../components/copy-button";
import { Badge } from "../../../components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { displayUrl, formatDateTime, formatPercent, formatRelative } from "../../../lib/format";
import { cn } from "../../../lib/utils";
import { RuntimeMark, useRuntimeName } from "../common/runtime";

/** Functions with what a glance needs: where they run, what serves, how they are doing. `projectNames` adds the project. */
export function FunctionsTable({
  teamId,
  functions,
  projectNames,
}: {
  teamId: string;
  functions: ServerlessFunction[];
  projectNames?: ReadonlyMap<string, string>;
}) {
  const runtimeName = useRuntimeName();
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Function</TableHead>
          <TableHead>Production</TableHead>
          <TableHead>URL</TableHead>
          <TableHead>Last invocation</TableHead>
          <TableHead className="text-right">Invocations (24h)</TableHead>
          <TableHead className="text-right">Error rate (24h)</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {functions.map((fn) => (
          <TableRow key={fn.id} data-testid="function-row" data-name={fn.name}>
            <TableCell>
              <div className="flex items-center gap-3">
                <RuntimeMark runtime={fn.runtime} />
                <div className="grid leading-tight">
                  <Link
                    to="/t/$teamId/functions/$functionId"
                    params={{ teamId, functionId: fn.id }}
                    className="font-medium underline-offset-4 outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
                  >
                    {fn.name}
                  </Link>
                  <span className="text-muted-foreground text-xs" data-testid="function-runtime">
                    {runtimeName(fn.runtime)}
                    {projectNames ? ` · ${projectNames.get(fn.projectId) ?? fn.projectSlug}` : null}
                  </span>
                </div>
              </div>
            </TableCell>
            <TableCell>
              {fn.productionVersion !== null ? (
                <Badge variant="outline" className="tabular-nums">
                  v{fn.productionVersion}
                </Badge>
              ) : (
                <Badge variant="warning">Not deployed</Badge>
              )}
            </TableCell>
            <TableCell>
              <div className="flex max-w-64 items-center gap-1">
                {fn.settings.isPrivate ? (
                  <Lock className="size-3.5 shrink-0 text-muted-foreground" aria-label="Private" />
                ) : null}
                <span className="truncate font-mono text-muted-foreground text-xs" title={fn.url}>
                  {displayUrl(fn.url)}
                </span>
                <CopyButton text={fn.url} label={`URL of ${fn.name}`} className="size-7" />
              </div>
            </TableCell>
            <TableCell className="text-muted-foreground">
              {fn.lastInvocationAt ? (
                <span title={formatDateTime(fn.lastInvocationAt)}>{formatRelative(fn.lastInvocationAt)}</span>
              ) : (
                "Never"
              )}
            </TableCell>
            <TableCell className="text-right tabular-nums">{fn.invocations24h.toLocaleString()}</TableCell>
            <TableCell className="text-right tabular-nums">
              <ErrorRate rate={fn.errorRate24h} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Red past 5% errors, amber above none, muted when there were no invocations to count. */
export function ErrorRate({ rate }: { rate: number | null }) {
  if (rate === null) return <span className="text-muted-foreground">—</span>;
  return (
    <span className={cn(rate > 0.05 ? "text-destructive" : rate > 0 ? "text-warning" : "text-muted-foreground")}>
      {formatPercent(rate)}
    </span>
  );
}

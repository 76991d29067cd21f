import type { Invocation } from "@slipway/contracts";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { formatClock, formatDate, formatDateTime, formatMemory } from "../../../lib/format";
import { cn } from "../../../lib/utils";
import { formatLatency, InvocationStatusBadge, StartBadge, triggerLabels } from "../common/invocation-badges";

const isToday = (iso: string) => new Date(iso).toDateString() === new Date().toDateString();

/** One row per invocation; a click (or Enter) opens it. */
export function InvocationsTable({
  invocations,
  selectedId,
  onSelect,
}: {
  invocations: Invocation[];
  selectedId: string | undefined;
  onSelect: (invocation: Invocation) => void;
}) {
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Time</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Request</TableHead>
          <TableHead>Trigger</TableHead>
          <TableHead>Start</TableHead>
          <TableHead className="text-right">Duration</TableHead>
          <TableHead className="text-right">Memory</TableHead>
          <TableHead className="text-right">Version</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {invocations.map((invocation) => (
          <TableRow
            key={invocation.id}
            data-testid="invocation-row"
            data-id={invocation.id}
            tabIndex={0}
            aria-selected={invocation.id === selectedId}
            onClick={() => onSelect(invocation)}
            onKeyDown={(event) => {
              if (event.key === "Enter" || event.key === " ") {
                event.preventDefault();
                onSelect(invocation);
              }
            }}
            className={cn(
              "cursor-pointer outline-none focus-visible:bg-muted/60",
              invocation.id === selectedId && "bg-muted/60",
            )}
          >
            <TableCell className="text-muted-foreground tabular-nums">
              <time dateTime={invocation.createdAt} title={formatDateTime(invocation.createdAt)}>
                {isToday(invocation.createdAt)
                  ? formatClock(invocation.createdAt)
                  : `${formatDate(invocation.createdAt)} ${formatClock(invocation.createdAt)}`}
              </time>
            </TableCell>
            <TableCell>
              <InvocationStatusBadge invocation={invocation} />
            </TableCell>
            <TableCell className="max-w-56">
              <span className="block truncate font-mono text-xs" title={`${invocation.method} ${invocation.path}`}>
                <span className="text-muted-foreground">{invocation.method}</span> {invocation.path}
              </span>
            </TableCell>
            <TableCell>
              {triggerLabels[invocation.trigger]}
              {invocation.mode === "async" ? <span className="text-muted-foreground"> · async</span> : null}
            </TableCell>
            <TableCell>
              <StartBadge isCold={invocation.isColdStart} />
            </TableCell>
            <TableCell className="text-right tabular-nums">
              {invocation.durationMs !== null ? formatLatency(invocation.durationMs) : "—"}
            </TableCell>
            <TableCell className="text-right text-muted-foreground tabular-nums">
              {invocation.memoryBytes !== null ? formatMemory(invocation.memoryBytes) : "—"}
            </TableCell>
            <TableCell className="text-right text-muted-foreground tabular-nums">
              {invocation.versionNumber !== null ? `v${invocation.versionNumber}` : "—"}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

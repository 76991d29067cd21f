import type { Instance, InstanceState } from "@slipway/contracts";
import { Badge } from "../../../components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { formatDateTime, formatMemory, formatPercent, formatUptime, shortId } from "../../../lib/format";

const instanceStates: Record<
  InstanceState,
  { label: string; variant: "success" | "warning" | "destructive" | "secondary" | "outline" }
> = {
  starting: { label: "Starting", variant: "warning" },
  healthy: { label: "Healthy", variant: "success" },
  restarting: { label: "Restarting", variant: "warning" },
  "crash-loop": { label: "Crash loop", variant: "destructive" },
  stopping: { label: "Stopping", variant: "secondary" },
  stopped: { label: "Stopped", variant: "outline" },
};

const numeric = "text-right tabular-nums";

/** One row per instance: its state (and why), how long it has run, and what it uses now. */
export function InstancesTable({ instances, memoryMb }: { instances: Instance[]; memoryMb: number }) {
  return (
    <Table aria-label="Instances">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Instance</TableHead>
          <TableHead>State</TableHead>
          <TableHead className="text-right">Uptime</TableHead>
          <TableHead className="text-right">Restarts</TableHead>
          <TableHead className="text-right">CPU</TableHead>
          <TableHead className="text-right">Memory</TableHead>
          <TableHead className="text-right">In flight</TableHead>
          <TableHead className="text-right">PID</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {instances.map((instance) => {
          const { label, variant } = instanceStates[instance.state];
          return (
            <TableRow key={instance.id} data-testid="instance-row" data-state={instance.state}>
              <TableCell>
                <div className="grid leading-tight">
                  <span className="font-medium font-mono text-xs" title={instance.id} data-testid="instance-id">
                    {shortId(instance.id)}
                  </span>
                  <span className="text-muted-foreground text-xs">port {instance.port}</span>
                </div>
              </TableCell>
              <TableCell>
                <div className="grid justify-items-start gap-1">
                  <Badge variant={variant}>{label}</Badge>
                  {instance.reason ? (
                    <span className="max-w-64 truncate text-muted-foreground text-xs" title={instance.reason}>
                      {instance.reason}
                    </span>
                  ) : null}
                </div>
              </TableCell>
              <TableCell className={numeric} title={`Started ${formatDateTime(instance.startedAt)}`}>
                {formatUptime(instance.uptimeSeconds)}
              </TableCell>
              <TableCell className={numeric}>{instance.restarts}</TableCell>
              <TableCell className={numeric}>
                {/* A sample straddling a restart can come out below zero. */}
                {instance.cpuPercent === null ? "—" : formatPercent(Math.max(0, instance.cpuPercent) / 100)}
              </TableCell>
              <TableCell className={numeric} data-testid="instance-memory">
                {instance.memoryBytes === null ? (
                  "—"
                ) : (
                  <>
                    {formatMemory(instance.memoryBytes)}
                    <span className="text-muted-foreground"> / {memoryMb}</span>
                  </>
                )}
              </TableCell>
              <TableCell className={numeric}>{instance.inflight}</TableCell>
              <TableCell className={`${numeric} font-mono text-xs`}>{instance.pid ?? "—"}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

import type { Invocation, InvocationStatus, InvocationTrigger } from "@slipway/contracts";
import { Snowflake, Zap } from "lucide-react";
import { Badge } from "../../../components/ui/badge";
import { formatMemory } from "../../../lib/format";

export const invocationStatusLabels: Record<InvocationStatus, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  dead: "Dead letter",
};

const statusVariants = {
  queued: "secondary",
  running: "secondary",
  succeeded: "success",
  failed: "destructive",
  dead: "destructive",
} as const;

export const triggerLabels: Record<InvocationTrigger, string> = {
  http: "HTTP",
  api: "API",
  test: "Test",
  cron: "Cron",
  event: "Event",
  async: "Async",
  destination: "Destination",
};

const outcomeLabels: Record<NonNullable<Invocation["outcome"]>, string> = {
  ok: "OK",
  error: "Error",
  timeout: "Timed out",
  out_of_memory: "Out of memory",
  crashed: "Crashed",
  load_failed: "Load failed",
};

/** The status, with the HTTP status a finished invocation answered (and why it failed, when it did). */
export function InvocationStatusBadge({
  invocation,
}: {
  invocation: Pick<Invocation, "status" | "responseStatus" | "outcome">;
}) {
  const { status, responseStatus, outcome } = invocation;
  const detail =
    outcome && outcome !== "ok" && outcome !== "error"
      ? outcomeLabels[outcome]
      : responseStatus
        ? responseStatus
        : null;
  return (
    <Badge variant={statusVariants[status]} data-testid="invocation-status" data-status={status}>
      {invocationStatusLabels[status]}
      {detail !== null ? <span className="font-normal tabular-nums opacity-80">· {detail}</span> : null}
    </Badge>
  );
}

/** Cold (the code was loaded into a fresh instance) or warm (an instance that had it served). */
export function StartBadge({ isCold }: { isCold: boolean | null }) {
  if (isCold === null) return <span className="text-muted-foreground">—</span>;
  return isCold ? (
    <Badge variant="outline" className="border-sky-500/40 text-sky-700 dark:text-sky-300" data-testid="start-badge">
      <Snowflake className="size-3" aria-hidden />
      Cold
    </Badge>
  ) : (
    <Badge
      variant="outline"
      className="border-amber-500/40 text-amber-700 dark:text-amber-300"
      data-testid="start-badge"
    >
      <Zap className="size-3" aria-hidden />
      Warm
    </Badge>
  );
}

/** "0.42 ms", "12.3 ms", "1.24 s": function durations, where fractions of a millisecond matter. */
export function formatLatency(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Lambda's REPORT line: what an invocation took, on one line to copy into a ticket. */
export function reportLine(invocation: Invocation): string {
  const parts = [`REPORT RequestId: ${invocation.id}`];
  if (invocation.versionNumber !== null) parts.push(`Version: ${invocation.versionNumber}`);
  if (invocation.durationMs !== null) parts.push(`Duration: ${formatLatency(invocation.durationMs)}`);
  if (invocation.initMs !== null) parts.push(`Init Duration: ${formatLatency(invocation.initMs)}`);
  if (invocation.memoryBytes !== null) parts.push(`Max Memory Used: ${formatMemory(invocation.memoryBytes)}`);
  if (invocation.cpuMs !== null) parts.push(`CPU: ${formatLatency(invocation.cpuMs)}`);
  return parts.join("\t");
}

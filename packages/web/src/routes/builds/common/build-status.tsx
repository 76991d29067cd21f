import type { BuildStatus, BuildStepView } from "@slipway/contracts";
import { Ban, CircleCheck, CircleDashed, CircleMinus, CircleX, Clock, Loader2, type LucideIcon } from "lucide-react";
import { Badge } from "../../../components/ui/badge";
import { capitalize } from "../../../lib/format";
import { cn } from "../../../lib/utils";

type StepStatus = BuildStepView["status"];

const looks: Record<
  BuildStatus | StepStatus,
  { icon: LucideIcon; tone: string; variant: "success" | "warning" | "destructive" | "secondary" }
> = {
  queued: { icon: Clock, tone: "text-muted-foreground", variant: "secondary" },
  pending: { icon: CircleDashed, tone: "text-muted-foreground", variant: "secondary" },
  running: { icon: Loader2, tone: "text-warning", variant: "warning" },
  succeeded: { icon: CircleCheck, tone: "text-success", variant: "success" },
  failed: { icon: CircleX, tone: "text-destructive", variant: "destructive" },
  canceled: { icon: Ban, tone: "text-muted-foreground", variant: "secondary" },
  skipped: { icon: CircleMinus, tone: "text-muted-foreground", variant: "secondary" },
};

/** "Running" spins; every state has its own icon, so colour is never the only cue. */
export function BuildStatusBadge({ status, className }: { status: BuildStatus; className?: string }) {
  const look = looks[status];
  return (
    <Badge variant={look.variant} className={className} data-testid="build-status">
      <look.icon className={cn("size-3", status === "running" && "animate-spin")} aria-hidden />
      {capitalize(status)}
    </Badge>
  );
}

export function StatusIcon({ status, className }: { status: BuildStatus | StepStatus; className?: string }) {
  const look = looks[status];
  return (
    <look.icon
      className={cn("size-4 shrink-0", look.tone, status === "running" && "animate-spin", className)}
      aria-label={capitalize(status)}
    />
  );
}

import type { AppState, Project } from "@slipway/contracts";
import { Badge } from "../../../components/ui/badge";

/** A start command makes each deployment a server the edge proxies to; without one the edge serves files. */
export function isServerApp(project: Project): boolean {
  return project.settings.startCommand !== null;
}

const appStates: Record<
  AppState,
  { label: string; variant: "success" | "warning" | "secondary" | "destructive" | "outline" }
> = {
  running: { label: "Running", variant: "success" },
  starting: { label: "Starting", variant: "warning" },
  idle: { label: "Idle (scaled to zero)", variant: "secondary" },
  unhealthy: { label: "Unhealthy", variant: "destructive" },
  stopped: { label: "Stopped", variant: "outline" },
};

/** What a server app's instances are doing, as a badge. */
export function AppStateBadge({ state, className }: { state: AppState; className?: string }) {
  const { label, variant } = appStates[state];
  return (
    <Badge variant={variant} className={className} data-testid="app-state" data-state={state}>
      {label}
    </Badge>
  );
}

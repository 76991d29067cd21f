import { RotateCw } from "lucide-react";
import type { LogPhase } from "../lib/line-stream";
import { Button } from "./ui/button";

/** Where a log stream stands, and how many lines there are (or match the filter). */
export function LogStatus({
  phase,
  isActive,
  lineCount,
  shownCount,
  onReconnect,
}: {
  phase: LogPhase;
  /** Whether new lines may still come (a running build, a deployment); an ended build's stream only replays. */
  isActive: boolean;
  lineCount: number;
  shownCount: number | null;
  onReconnect: () => void;
}) {
  const count = shownCount === null ? `${lineCount} lines` : `${shownCount} of ${lineCount} lines`;
  return (
    <div className="flex items-center gap-2 text-muted-foreground text-xs" aria-live="polite">
      {phase === "live" && isActive ? (
        <span className="flex items-center gap-1.5 font-medium text-success" data-testid="log-live">
          <span className="relative flex size-2">
            <span className="absolute inline-flex size-full animate-ping rounded-full bg-success opacity-60" />
            <span className="relative inline-flex size-2 rounded-full bg-success" />
          </span>
          Live
        </span>
      ) : phase === "connecting" || phase === "live" ? (
        <span>{phase === "live" ? "Loading…" : "Connecting…"}</span>
      ) : phase === "unavailable" ? (
        <span className="flex items-center gap-1 text-destructive">
          Log stream unavailable
          <Button variant="ghost" size="sm" className="h-6 px-2" onClick={onReconnect}>
            <RotateCw />
            Retry
          </Button>
        </span>
      ) : null}
      <span className="whitespace-nowrap tabular-nums">{count}</span>
    </div>
  );
}

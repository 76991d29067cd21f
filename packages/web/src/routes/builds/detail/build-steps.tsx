import type { Build, BuildStepView } from "@slipway/contracts";
import { useEffect, useState } from "react";
import { isBuildActive } from "../../../data/builds";
import { formatDuration } from "../../../lib/format";
import { cn } from "../../../lib/utils";
import { StatusIcon } from "../common/build-status";

const stepNames: Record<BuildStepView["id"], string> = {
  clone: "Clone",
  install: "Install",
  "pre-build": "Pre-build",
  build: "Build",
  "post-build": "Post-build",
  package: "Package",
  deploy: "Deploy",
};

/** A clock that ticks each second while something runs, for running steps' elapsed time. */
function useNow(isTicking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!isTicking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [isTicking]);
  return now;
}

function stepTime(step: BuildStepView, now: number): string {
  if (step.durationMs !== null) return formatDuration(step.durationMs);
  if (step.status === "running" && step.startedAt) return formatDuration(Math.max(0, now - Date.parse(step.startedAt)));
  return step.status === "skipped" ? "Skipped" : "—";
}

/** The pipeline in order, each step with its state and how long it took. */
export function BuildSteps({ build }: { build: Build }) {
  const now = useNow(isBuildActive(build));
  return (
    <ol className="grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-7" aria-label="Build steps">
      {build.steps.map((step) => (
        <li
          key={step.id}
          data-testid="build-step"
          data-step={step.id}
          data-status={step.status}
          className={cn(
            "flex items-center gap-2.5 rounded-lg border bg-card px-3 py-2.5",
            step.status === "running" && "border-warning/50",
            step.status === "failed" && "border-destructive/50 bg-destructive/5",
            (step.status === "skipped" || step.status === "pending") && "text-muted-foreground",
          )}
        >
          <StatusIcon status={step.status} />
          <span className="grid min-w-0 leading-tight">
            <span className="truncate font-medium text-sm">{stepNames[step.id]}</span>
            <span className="text-muted-foreground text-xs tabular-nums">{stepTime(step, now)}</span>
          </span>
        </li>
      ))}
    </ol>
  );
}

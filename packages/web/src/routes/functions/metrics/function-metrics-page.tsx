import type { FunctionMetrics } from "@slipway/contracts";
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { lazy, type ReactNode, Suspense } from "react";
import { ErrorState } from "../../../components/states";
import { Card } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { type MetricsRange, useFunctionMetrics } from "../../../data/functions";
import { formatMemory, formatPercent } from "../../../lib/format";
import { cn } from "../../../lib/utils";
import { useCurrentTeam } from "../../teams/team-layout";
import { formatLatency } from "../common/invocation-badges";
import { useCurrentFunction } from "../detail/function-layout";

const MetricsCharts = lazy(() => import("./metrics-charts").then((module) => ({ default: module.MetricsCharts })));

const route = getRouteApi("/_app/t/$teamId/functions/$functionId/metrics");

const ranges: { value: MetricsRange; label: string }[] = [
  { value: "24h", label: "24 hours" },
  { value: "7d", label: "7 days" },
];

/** The Metrics tab: totals for the range, then invocations, errors, latency, cold starts and memory over time. */
export function FunctionMetricsPage() {
  const { team } = useCurrentTeam();
  const fn = useCurrentFunction();
  const range = route.useSearch().range ?? "24h";
  const navigate = useNavigate();
  const metrics = useFunctionMetrics(team.id, fn.id, range);

  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-muted-foreground text-sm">
          {range === "24h" ? "The last 24 hours, by the hour." : "The last 7 days, in 6-hour steps."}
        </p>
        <fieldset className="inline-flex rounded-lg border p-0.5">
          <legend className="sr-only">Range</legend>
          {ranges.map((option) => (
            <button
              key={option.value}
              type="button"
              aria-pressed={range === option.value}
              onClick={() => void navigate({ to: ".", search: { range: option.value }, replace: true })}
              className={cn(
                "rounded-md px-3 py-1 text-sm outline-none transition-colors focus-visible:ring-[3px] focus-visible:ring-ring/50",
                range === option.value ? "bg-accent font-medium" : "text-muted-foreground hover:text-foreground",
              )}
            >
              {option.label}
            </button>
          ))}
        </fieldset>
      </div>
      {metrics.isError ? (
        <ErrorState error={metrics.error} onRetry={() => void metrics.refetch()} />
      ) : (
        <>
          <Summary summary={metrics.data?.summary ?? null} />
          {metrics.data ? (
            <Suspense fallback={<ChartsSkeleton />}>
              <MetricsCharts metrics={metrics.data} />
            </Suspense>
          ) : (
            <ChartsSkeleton />
          )}
        </>
      )}
    </div>
  );
}

function Summary({ summary }: { summary: FunctionMetrics["summary"] | null }) {
  const orDash = <T,>(value: T | null, format: (value: T) => string) => (value === null ? "—" : format(value));
  const stats: {
    label: string;
    value: (s: FunctionMetrics["summary"]) => ReactNode;
    note?: (s: FunctionMetrics["summary"]) => string;
  }[] = [
    { label: "Invocations", value: (s) => s.invocations.toLocaleString() },
    {
      label: "Error rate",
      value: (s) => orDash(s.errorRate, formatPercent),
      note: (s) => `${s.errors.toLocaleString()} errors`,
    },
    { label: "p50 duration", value: (s) => orDash(s.p50Ms, formatLatency) },
    { label: "p95 duration", value: (s) => orDash(s.p95Ms, formatLatency) },
    {
      label: "Cold starts",
      value: (s) => orDash(s.coldStartRate, formatPercent),
      note: (s) => `${s.coldStarts.toLocaleString()} of ${s.invocations.toLocaleString()}`,
    },
    { label: "Max memory", value: (s) => orDash(s.maxMemoryBytes, formatMemory) },
  ];
  return (
    <Card className="overflow-hidden">
      <dl className="grid grid-cols-2 gap-px bg-border sm:grid-cols-3 lg:grid-cols-6" data-testid="metrics-summary">
        {stats.map((stat) => (
          <div key={stat.label} className="grid content-start gap-1 bg-card p-4">
            <dt className="text-muted-foreground text-xs">{stat.label}</dt>
            <dd className="font-semibold text-xl tabular-nums">
              {summary ? stat.value(summary) : <Skeleton className="h-7 w-16" />}
            </dd>
            {stat.note && summary ? <dd className="text-muted-foreground text-xs">{stat.note(summary)}</dd> : null}
          </div>
        ))}
      </dl>
    </Card>
  );
}

function ChartsSkeleton() {
  return (
    <div className="grid gap-4 md:grid-cols-2">
      {["invocations", "duration", "cold", "memory"].map((chart) => (
        <Skeleton key={chart} className="h-64 rounded-xl" />
      ))}
    </div>
  );
}

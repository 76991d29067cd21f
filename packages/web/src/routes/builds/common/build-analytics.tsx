import { lazy, type ReactNode, Suspense } from "react";
import { ErrorState } from "../../../components/states";
import { Card } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { useBuildAnalytics } from "../../../data/builds";
import { formatDuration, formatPercent } from "../../../lib/format";
import { cn } from "../../../lib/utils";
import { outcomeSeries } from "./build-outcomes";

const BuildsChart = lazy(() => import("./builds-chart").then((module) => ({ default: module.BuildsChart })));
/** The last seven days of builds, for the team or one project. */
export function BuildAnalytics({ teamId, projectId }: { teamId: string; projectId?: string }) {
  const analytics = useBuildAnalytics(teamId, projectId);
  if (analytics.isError) return <ErrorState error={analytics.error} onRetry={() => void analytics.refetch()} />;
  const data = analytics.data;
  const orDash = <T,>(value: T | null | undefined, format: (value: T) => string) =>
    value === null || value === undefined ? "—" : format(value);

  return (
    <Card className="grid overflow-hidden lg:grid-cols-[1fr_20rem]" aria-label="Build analytics, last 7 days">
      <div className="grid gap-3 p-5">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <p className="text-sm">
            <span className="font-semibold text-xl tabular-nums">{data ? data.total : "–"}</span>{" "}
            <span className="text-muted-foreground">builds in the last 7 days</span>
          </p>
          <ul className="flex gap-3 text-muted-foreground text-xs" aria-label="Legend">
            {outcomeSeries.map((series) => (
              <li key={series.key} className="flex items-center gap-1.5">
                <span className={cn("size-2 rounded-sm", series.swatch)} />
                {series.label}
              </li>
            ))}
          </ul>
        </div>
        <div className="h-36">
          {data ? (
            <Suspense fallback={<Skeleton className="h-full" />}>
              <BuildsChart days={data.days} />
            </Suspense>
          ) : (
            <Skeleton className="h-full" />
          )}
        </div>
      </div>
      <dl className="grid grid-cols-2 gap-px border-t bg-border lg:border-t-0 lg:border-l">
        <Stat label="Success rate" value={data ? orDash(data.successRate, formatPercent) : null} />
        <Stat label="Cache hit rate" value={data ? orDash(data.cacheHitRate, formatPercent) : null} />
        <Stat label="Average duration" value={data ? orDash(data.averageDurationMs, formatDuration) : null} />
        <Stat label="p95 duration" value={data ? orDash(data.p95DurationMs, formatDuration) : null} />
      </dl>
    </Card>
  );
}

function Stat({ label, value }: { label: string; value: ReactNode | null }) {
  return (
    <div className="grid content-center gap-1 bg-card p-4">
      <dt className="text-muted-foreground text-xs">{label}</dt>
      <dd className="font-semibold text-lg tabular-nums">
        {value === null ? <Skeleton className="h-7 w-16" /> : value}
      </dd>
    </div>
  );
}

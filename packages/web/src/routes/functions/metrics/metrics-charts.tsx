import type { FunctionMetrics } from "@slipway/contracts";
import type { ReactElement } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  type TooltipContentProps,
  type TooltipValueType,
  XAxis,
  YAxis,
} from "recharts";
import { Card, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { formatPercent } from "../../../lib/format";
import { formatLatency } from "../common/invocation-badges";

type Point = {
  start: string;
  ok: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  coldRate: number | null;
  memoryMb: number | null;
};

const hour = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const dayHour = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const long = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

const axis = {
  tickLine: false,
  axisLine: false,
  tick: { fill: "var(--color-muted-foreground)", fontSize: 11 },
} as const;
const sky = "oklch(0.62 0.14 240)";
/** A bucket with data shows as a dot, so a lone busy hour is not lost between empty ones. */
const dot = (color: string) => ({ r: 2.5, strokeWidth: 0, fill: color });
/** Whole milliseconds on the axis; the tooltip has the precise value. */
const axisMs = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
const violet = "oklch(0.6 0.18 295)";

function toPoints(metrics: FunctionMetrics): Point[] {
  return metrics.buckets.map((bucket) => ({
    start: bucket.start,
    ok: bucket.invocations - bucket.errors,
    errors: bucket.errors,
    p50: bucket.p50Ms,
    p95: bucket.p95Ms,
    coldRate: bucket.invocations > 0 ? bucket.coldStarts / bucket.invocations : null,
    memoryMb: bucket.maxMemoryBytes === null ? null : bucket.maxMemoryBytes / 1024 / 1024,
  }));
}

/** Four charts over the range's buckets. Loaded on its own: the charting library is large. */
export function MetricsCharts({ metrics }: { metrics: FunctionMetrics }) {
  const points = toPoints(metrics);
  const tickOf = (iso: string) => (metrics.range === "24h" ? hour : dayHour).format(new Date(iso));
  const xAxis = <XAxis dataKey="start" tickFormatter={tickOf} minTickGap={24} {...axis} />;
  const grid = <CartesianGrid vertical={false} stroke="var(--color-border)" />;
  const margin = { top: 4, right: 8, bottom: 0, left: 0 };

  return (
    <div className="grid gap-4 md:grid-cols-2" data-testid="metrics-charts">
      <ChartCard
        title="Invocations"
        description="Each bucket's calls, errors on top."
        legend={[
          { label: "Succeeded", color: "var(--color-success)" },
          { label: "Errors", color: "var(--color-destructive)" },
        ]}
      >
        <BarChart data={points} margin={margin} barCategoryGap="15%">
          {grid}
          {xAxis}
          <YAxis allowDecimals={false} width={32} {...axis} />
          <Tooltip cursor={{ fill: "var(--color-muted)" }} content={tooltip((value) => String(value))} />
          <Bar dataKey="ok" name="Succeeded" stackId="calls" fill="var(--color-success)" isAnimationActive={false} />
          <Bar
            dataKey="errors"
            name="Errors"
            stackId="calls"
            fill="var(--color-destructive)"
            isAnimationActive={false}
          />
        </BarChart>
      </ChartCard>
      <ChartCard
        title="Duration"
        description="Half the calls finish within p50, all but 5% within p95."
        legend={[
          { label: "p50", color: sky },
          { label: "p95", color: violet },
        ]}
      >
        <AreaChart data={points} margin={margin}>
          {grid}
          {xAxis}
          <YAxis width={56} tickFormatter={axisMs} {...axis} />
          <Tooltip content={tooltip((value) => formatLatency(value))} />
          {areas([
            { key: "p95", name: "p95", color: violet },
            { key: "p50", name: "p50", color: sky },
          ])}
        </AreaChart>
      </ChartCard>
      <ChartCard title="Cold starts" description="Share of calls that loaded the code into a fresh instance.">
        <AreaChart data={points} margin={margin}>
          {grid}
          {xAxis}
          <YAxis width={44} domain={[0, 1]} tickFormatter={(ratio: number) => formatPercent(ratio)} {...axis} />
          <Tooltip content={tooltip((value) => formatPercent(value))} />
          {areas([{ key: "coldRate", name: "Cold starts", color: sky }])}
        </AreaChart>
      </ChartCard>
      <ChartCard title="Memory" description="The most any call used in each bucket.">
        <AreaChart data={points} margin={margin}>
          {grid}
          {xAxis}
          <YAxis width={56} tickFormatter={(mb: number) => `${Math.round(mb)} MB`} {...axis} />
          <Tooltip content={tooltip((value) => `${value.toFixed(1)} MB`)} />
          {areas([{ key: "memoryMb", name: "Max memory", color: violet }])}
        </AreaChart>
      </ChartCard>
    </div>
  );
}

/** The series of an area chart: a line with a light fill, a dot on each bucket with data. */
function areas(series: { key: keyof Point; name: string; color: string }[]) {
  return series.map((item) => (
    <Area
      key={item.key}
      dataKey={item.key}
      name={item.name}
      stroke={item.color}
      fill={item.color}
      fillOpacity={series.length > 1 ? 0.08 : 0.15}
      strokeWidth={2}
      dot={dot(item.color)}
      connectNulls
      isAnimationActive={false}
    />
  ));
}

function ChartCard({
  title,
  description,
  legend,
  children,
}: {
  title: string;
  description: string;
  legend?: { label: string; color: string }[];
  /** One Recharts chart, sized by the card. */
  children: ReactElement;
}) {
  return (
    <Card className="grid gap-3 pb-4">
      <CardHeader className="flex-row items-start justify-between gap-3 px-5 pt-5">
        <div className="grid gap-1">
          <CardTitle className="text-sm">{title}</CardTitle>
          <CardDescription className="text-xs">{description}</CardDescription>
        </div>
        {legend ? (
          <ul className="flex shrink-0 gap-3 text-muted-foreground text-xs" aria-label="Legend">
            {legend.map((item) => (
              <li key={item.label} className="flex items-center gap-1.5">
                <span className="size-2 rounded-sm" style={{ background: item.color }} />
                {item.label}
              </li>
            ))}
          </ul>
        ) : null}
      </CardHeader>
      <div className="h-44 px-3">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </Card>
  );
}

/** A tooltip listing each series at the bucket, its value formatted by `format`. */
function BucketTooltip({
  active,
  payload,
  format,
}: TooltipContentProps<TooltipValueType, number | string> & { format: (value: number) => string }) {
  const point = payload?.[0]?.payload as Point | undefined;
  if (!active || !point || !payload) return null;
  return (
    <div className="grid gap-1 rounded-lg border bg-popover px-3 py-2 text-popover-foreground text-xs shadow-md">
      <p className="font-medium">{long.format(new Date(point.start))}</p>
      {payload.map((entry) => (
        <p key={String(entry.dataKey)} className="flex items-center gap-2">
          <span className="size-2 rounded-sm" style={{ background: entry.color }} />
          <span className="flex-1 text-muted-foreground">{entry.name}</span>
          <span className="font-medium tabular-nums">
            {typeof entry.value === "number" ? format(entry.value) : "—"}
          </span>
        </p>
      ))}
    </div>
  );
}

/** The `content` of a chart's Tooltip, with values shown by `format`. */
const tooltip =
  (format: (value: number) => string) => (props: TooltipContentProps<TooltipValueType, number | string>) => (
    <BucketTooltip {...props} format={format} />
  );

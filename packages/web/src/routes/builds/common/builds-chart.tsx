import type { BuildAnalytics } from "@slipway/contracts";
import {
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
import { outcomeSeries } from "./build-outcomes";

type Day = BuildAnalytics["days"][number];

const weekday = new Intl.DateTimeFormat(undefined, { weekday: "short" });
const longDay = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "short", day: "numeric" });
/** Server days are calendar dates; read them as local midnight so the weekday does not shift. */
const dayOf = (date: string) => new Date(`${date}T00:00:00`);

/** Builds per day, stacked by outcome. Loaded on its own: the charting library is large. */
export function BuildsChart({ days }: { days: Day[] }) {
  return (
    <div className="size-full" data-testid="builds-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={days} margin={{ top: 4, right: 0, bottom: 0, left: 0 }} barCategoryGap="20%">
          <CartesianGrid vertical={false} stroke="var(--color-border)" />
          <XAxis
            dataKey="date"
            tickFormatter={(date: string) => weekday.format(dayOf(date))}
            tickLine={false}
            axisLine={false}
            tick={{ fill: "var(--color-muted-foreground)", fontSize: 11 }}
          />
          <YAxis
            allowDecimals={false}
            width={28}
            tickLine={false}
            axisLine={false}
            tick={{ fill: "var(--color-muted-foreground)", fontSize: 11 }}
          />
          <Tooltip cursor={{ fill: "var(--color-muted)" }} content={DayTooltip} />
          {outcomeSeries.map((series) => (
            <Bar
              key={series.key}
              dataKey={series.key}
              name={series.label}
              stackId="outcome"
              fill={series.color}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function DayTooltip({ active, payload }: TooltipContentProps<TooltipValueType, number | string>) {
  const day = payload?.[0]?.payload as Day | undefined;
  if (!active || !day) return null;
  return (
    <div className="grid gap-1 rounded-lg border bg-popover px-3 py-2 text-popover-foreground text-xs shadow-md">
      <p className="font-medium">{longDay.format(dayOf(day.date))}</p>
      {outcomeSeries.map((series) => (
        <p key={series.key} className="flex items-center gap-2">
          <span className="size-2 rounded-sm" style={{ background: series.color }} />
          <span className="flex-1 text-muted-foreground">{series.label}</span>
          <span className="font-medium tabular-nums">{day[series.key]}</span>
        </p>
      ))}
    </div>
  );
}

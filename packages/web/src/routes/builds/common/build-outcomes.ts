/**
 * How ended builds are counted in the analytics, bottom of the stack first. Colours come from
 * the theme so dark mode follows; kept apart from the chart so the legend does not load it.
 */
export const outcomeSeries = [
  { key: "succeeded", label: "Succeeded", color: "var(--color-success)", swatch: "bg-success" },
  { key: "failed", label: "Failed", color: "var(--color-destructive)", swatch: "bg-destructive" },
  { key: "canceled", label: "Canceled", color: "var(--color-muted-foreground)", swatch: "bg-muted-foreground" },
] as const;

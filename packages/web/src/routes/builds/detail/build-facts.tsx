import { type Build, frameworkLabels } from "@slipway/contracts";
import { CircleX } from "lucide-react";
import type { ReactNode } from "react";
import { Badge } from "../../../components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { capitalize } from "../../../lib/format";

/** Where a failed build stopped, why, and the builder's own words. */
export function BuildErrorBox({ error }: { error: NonNullable<Build["error"]> }) {
  return (
    <div
      role="alert"
      className="flex gap-3 rounded-xl border border-destructive/40 bg-destructive/5 p-4"
      data-testid="build-error"
    >
      <CircleX className="mt-0.5 size-5 shrink-0 text-destructive" />
      <div className="grid min-w-0 gap-1">
        <p className="font-medium">
          Failed{error.step ? ` at the ${error.step} step` : ""}
          <Badge variant="destructive" className="ml-2 font-mono">
            {error.reason}
          </Badge>
        </p>
        <p className="break-words font-mono text-sm">{error.message}</p>
      </div>
    </div>
  );
}

const isolationLabels: Record<string, string> = {
  sandbox: "Sandbox",
  namespaces: "Namespaces",
  memoryLimit: "Memory limit",
  pidsLimit: "Process limit",
  cpuLimit: "CPU limit",
  wallClockLimitSeconds: "Time limit",
  hostUid: "Runs as",
};

/** Known keys in the order above, anything newer after them. */
function isolationOrder(key: string): number {
  const index = Object.keys(isolationLabels).indexOf(key);
  return index === -1 ? Number.MAX_SAFE_INTEGER : index;
}

function isolationValue(key: string, value: unknown): ReactNode {
  if (key === "namespaces" && Array.isArray(value)) return value.join(", ");
  if (key === "wallClockLimitSeconds" && typeof value === "number") return `${value} s`;
  if (key === "hostUid" && typeof value === "number") return value === 0 ? "root (no user to drop to)" : `uid ${value}`;
  if (value === "none") return <span className="text-warning">none</span>;
  if (key.endsWith("Limit") && typeof value === "string") return `enforced by ${value}`;
  return typeof value === "string" || typeof value === "number" ? String(value) : JSON.stringify(value);
}

const cacheLabels: Record<NonNullable<Build["cache"]>, string> = {
  hit: "Hit: dependencies restored",
  miss: "Miss: dependencies installed and saved",
  none: "Not used (nothing to install)",
};

/** What the build ran with: settings, dependency cache, sandbox. */
export function BuildFacts({ build }: { build: Build }) {
  const settings = build.settings;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>Settings</CardTitle>
        </CardHeader>
        <CardContent>
          <Facts
            rows={[
              ["Environment", capitalize(build.environment)],
              [
                "Cache",
                build.isReused
                  ? "Reused an earlier artifact of the same source"
                  : build.cache
                    ? cacheLabels[build.cache]
                    : "—",
              ],
              ...(settings
                ? ([
                    ["Framework", frameworkLabels[settings.framework]],
                    ["Install", <Command key="install" text={settings.installCommand} />],
                    ["Build", <Command key="build" text={settings.buildCommand} />],
                    [
                      "Output",
                      <code key="output" className="font-mono text-xs">
                        {settings.outputDir || "."}
                      </code>,
                    ],
                    ["Node", settings.nodeVersion],
                  ] as [string, ReactNode][])
                : []),
            ]}
          />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Isolation</CardTitle>
        </CardHeader>
        <CardContent>
          {build.isolation ? (
            <Facts
              rows={Object.entries(build.isolation)
                .sort(([a], [b]) => isolationOrder(a) - isolationOrder(b))
                .map(([key, value]) => [isolationLabels[key] ?? key, isolationValue(key, value)])}
            />
          ) : (
            <p className="text-muted-foreground text-sm">Reported once the build starts in its sandbox.</p>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

function Command({ text }: { text: string | null }) {
  return text ? (
    <code className="break-all font-mono text-xs">{text}</code>
  ) : (
    <span className="text-muted-foreground">none</span>
  );
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="grid grid-cols-[7.5rem_1fr] gap-x-4 gap-y-2 text-sm">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-muted-foreground">{label}</dt>
          <dd className="min-w-0">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

import type { Invocation, InvocationDetail } from "@slipway/contracts";
import { CopyButton } from "../../../components/copy-button";
import { formatMemory } from "../../../lib/format";
import { formatLatency, reportLine, StartBadge } from "./invocation-badges";

/** What an invocation took, as Lambda's REPORT line says it: duration, init, memory, CPU, cold or warm. */
export function InvocationFacts({ invocation }: { invocation: Invocation }) {
  const orDash = <T,>(value: T | null, format: (value: T) => string) => (value === null ? "—" : format(value));
  const facts = [
    { label: "Duration", value: orDash(invocation.durationMs, formatLatency), testId: "fact-duration" },
    { label: "Init", value: orDash(invocation.initMs, formatLatency), testId: "fact-init" },
    { label: "Memory", value: orDash(invocation.memoryBytes, formatMemory), testId: "fact-memory" },
    { label: "CPU", value: orDash(invocation.cpuMs, formatLatency), testId: "fact-cpu" },
  ];
  return (
    <dl className="grid grid-cols-2 gap-px overflow-hidden rounded-lg border bg-border sm:grid-cols-5">
      <div className="grid content-center gap-1 bg-card px-3 py-2.5">
        <dt className="text-muted-foreground text-xs">Start</dt>
        <dd>
          <StartBadge isCold={invocation.isColdStart} />
        </dd>
      </div>
      {facts.map((fact) => (
        <div key={fact.label} className="grid content-center gap-1 bg-card px-3 py-2.5">
          <dt className="text-muted-foreground text-xs">{fact.label}</dt>
          <dd className="font-medium text-sm tabular-nums" data-testid={fact.testId}>
            {fact.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The invocation's output under a "Logs" title, one row per line, then its REPORT line (copyable). */
export function InvocationLogs({ invocation }: { invocation: InvocationDetail }) {
  const { logs } = invocation;
  const report = reportLine(invocation);
  return (
    <section className="grid gap-2" aria-label="Logs">
      <p className="font-medium text-sm">Logs</p>
      <div className="relative overflow-hidden rounded-lg border bg-muted/30">
        <div className="max-h-80 overflow-auto py-2 font-mono text-xs leading-5" data-testid="invocation-logs">
          {logs.length === 0 ? (
            <p className="px-3 text-muted-foreground">The function printed nothing.</p>
          ) : (
            logs.map((line, index) => (
              // Lines have no ids; their order is fixed.
              // biome-ignore lint/suspicious/noArrayIndexKey: a log's lines never move.
              <div key={index} className="flex whitespace-pre pr-3" data-testid="invocation-log-line">
                <span className="w-10 shrink-0 select-none pr-3 text-right text-muted-foreground/60 tabular-nums">
                  {index + 1}
                </span>
                {line}
              </div>
            ))
          )}
          <div className="mt-1 flex pr-3 text-sky-700 dark:text-sky-300">
            <span className="w-10 shrink-0" />
            <span className="whitespace-pre-wrap" data-testid="report-line">
              {report}
            </span>
          </div>
        </div>
        <CopyButton
          text={[...logs, report].join("\n")}
          label="log"
          className="absolute top-1 right-1 size-7 bg-background/80"
        />
      </div>
    </section>
  );
}

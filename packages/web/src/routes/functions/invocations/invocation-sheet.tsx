import type { InvocationDetail, ServerlessFunction } from "@slipway/contracts";
import { RotateCw, X } from "lucide-react";
import { ErrorState } from "../../../components/states";
import { Button } from "../../../components/ui/button";
import { DialogClose, DialogDescription } from "../../../components/ui/dialog";
import { Sheet, SheetContent, SheetTitle } from "../../../components/ui/sheet";
import { Skeleton } from "../../../components/ui/skeleton";
import { useInvocation, useRetryInvocation } from "../../../data/functions";
import { formatDateTime } from "../../../lib/format";
import { withToasts } from "../../../lib/toast";
import { useCurrentTeam } from "../../teams/team-layout";
import { InvocationStatusBadge, triggerLabels } from "../common/invocation-badges";
import { InvocationFacts, InvocationLogs } from "../common/invocation-facts";

/** One invocation from the side: its REPORT facts, its request, logs, error and response. */
export function InvocationSheet({
  fn,
  invocationId,
  onClose,
}: {
  fn: ServerlessFunction;
  invocationId: string | null;
  onClose: () => void;
}) {
  const { team } = useCurrentTeam();
  const invocation = useInvocation(team.id, fn.id, invocationId);
  return (
    <Sheet open={invocationId !== null} onOpenChange={(open) => (open ? null : onClose())}>
      <SheetContent side="right" data-testid="invocation-detail">
        <div className="flex items-start justify-between gap-3 border-b px-5 py-4">
          <div className="grid min-w-0 gap-1">
            <SheetTitle className="font-semibold">Invocation</SheetTitle>
            <DialogDescription className="truncate font-mono text-xs">{invocationId}</DialogDescription>
          </div>
          <DialogClose asChild>
            <Button variant="ghost" size="icon-sm" aria-label="Close">
              <X />
            </Button>
          </DialogClose>
        </div>
        <div className="grid flex-1 content-start gap-5 overflow-y-auto px-5 py-4">
          {invocation.isError ? (
            <ErrorState error={invocation.error} onRetry={() => void invocation.refetch()} />
          ) : invocation.data ? (
            <InvocationBody fn={fn} invocation={invocation.data} />
          ) : (
            <>
              <Skeleton className="h-16" />
              <Skeleton className="h-40" />
            </>
          )}
        </div>
      </SheetContent>
    </Sheet>
  );
}

function InvocationBody({ fn, invocation }: { fn: ServerlessFunction; invocation: InvocationDetail }) {
  const { team, can } = useCurrentTeam();
  const retry = useRetryInvocation(team.id, fn.id);
  const canRetry = invocation.mode === "async" && (invocation.status === "dead" || invocation.status === "failed");
  const facts = [
    { label: "Request", value: `${invocation.method} ${invocation.path}`, isMono: true },
    { label: "Trigger", value: `${triggerLabels[invocation.trigger]} (${invocation.mode})` },
    { label: "Version", value: invocation.versionNumber !== null ? `v${invocation.versionNumber}` : "—" },
    { label: "Attempts", value: String(invocation.attempts) },
    { label: "Started", value: formatDateTime(invocation.createdAt) },
    { label: "Finished", value: invocation.finishedAt ? formatDateTime(invocation.finishedAt) : "—" },
  ];
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <InvocationStatusBadge invocation={invocation} />
        {canRetry && can("functions:invoke") ? (
          <Button
            variant="outline"
            size="sm"
            isLoading={retry.isPending}
            onClick={() =>
              void withToasts(retry.mutateAsync(invocation.id), {
                success: "Queued a new attempt",
                error: "Couldn't retry",
              }).catch(() => undefined)
            }
          >
            {retry.isPending ? null : <RotateCw />}
            Retry
          </Button>
        ) : null}
      </div>
      <InvocationFacts invocation={invocation} />
      <dl className="grid grid-cols-[7rem_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm">
        {facts.map((fact) => (
          <div key={fact.label} className="contents">
            <dt className="text-muted-foreground">{fact.label}</dt>
            <dd className={fact.isMono ? "break-all font-mono text-xs leading-5" : undefined}>{fact.value}</dd>
          </div>
        ))}
      </dl>
      {invocation.error ? (
        <div className="grid gap-2">
          <p className="font-medium text-sm">Error</p>
          <pre className="overflow-auto rounded-lg border border-destructive/30 bg-destructive/5 p-3 font-mono text-destructive text-xs">
            {invocation.error}
          </pre>
        </div>
      ) : null}
      <InvocationLogs invocation={invocation} />
      {invocation.responseBody !== null ? (
        <div className="grid gap-2">
          <p className="font-medium text-sm">Response body</p>
          <pre className="max-h-64 overflow-auto rounded-lg border bg-muted/30 p-3 font-mono text-xs">
            {invocation.responseBody || "(empty)"}
          </pre>
        </div>
      ) : null}
    </>
  );
}

import type { InvokeResult, ServerlessFunction } from "@slipway/contracts";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { CodeEditor } from "../../../components/code-editor";
import { Badge } from "../../../components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { cn } from "../../../lib/utils";
import { useCurrentTeam } from "../../teams/team-layout";
import { InvocationFacts, InvocationLogs } from "../common/invocation-facts";

/** The body pretty-printed when it is JSON, as it came otherwise. */
function prettyBody(body: string): { text: string; isJson: boolean } {
  try {
    return { text: JSON.stringify(JSON.parse(body), null, 2), isJson: true };
  } catch {
    return { text: body, isJson: false };
  }
}

function statusVariant(status: number) {
  if (status >= 500) return "destructive" as const;
  if (status >= 400) return "warning" as const;
  return "success" as const;
}

/** What a test invocation answered (status, headers, body), what it took, and what it printed. */
export function InvokeResultCard({ fn, result }: { fn: ServerlessFunction; result: InvokeResult }) {
  const { team } = useCurrentTeam();
  const [view, setView] = useState<"body" | "headers">("body");
  const { invocation, response } = result;
  const body = response ? prettyBody(response.body) : null;
  const headerEntries = response ? Object.entries(response.headers).sort(([a], [b]) => a.localeCompare(b)) : [];

  return (
    <Card data-testid="invoke-result">
      <CardHeader className="flex-row flex-wrap items-center justify-between gap-2">
        <div className="flex items-center gap-2">
          <CardTitle>Response</CardTitle>
          {response ? (
            <Badge variant={statusVariant(response.status)} className="tabular-nums" data-testid="response-status">
              {response.status}
            </Badge>
          ) : (
            <Badge variant="destructive">No response</Badge>
          )}
        </div>
        <Link
          to="/t/$teamId/functions/$functionId/invocations"
          params={{ teamId: team.id, functionId: fn.id }}
          search={{ invocation: invocation.id }}
          className="font-mono text-muted-foreground text-xs underline-offset-4 hover:text-foreground hover:underline"
        >
          {invocation.id}
        </Link>
      </CardHeader>
      <CardContent className="grid gap-4">
        <InvocationFacts invocation={invocation} />
        {invocation.error ? (
          <p className="rounded-lg border border-destructive/30 bg-destructive/5 px-3 py-2 text-destructive text-sm">
            {invocation.error}
          </p>
        ) : null}
        {response ? (
          <div className="grid gap-2">
            <div className="flex gap-1">
              {(["body", "headers"] as const).map((part) => (
                <button
                  key={part}
                  type="button"
                  aria-pressed={view === part}
                  onClick={() => setView(part)}
                  className={cn(
                    "rounded-md px-2.5 py-1 text-sm outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50",
                    view === part ? "bg-accent font-medium" : "text-muted-foreground hover:text-foreground",
                  )}
                >
                  {part === "body" ? "Body" : `Headers (${headerEntries.length})`}
                </button>
              ))}
            </div>
            {view === "body" && body ? (
              <div className="overflow-hidden rounded-lg border" data-testid="response-body">
                {body.text === "" ? (
                  <p className="px-3 py-4 text-muted-foreground text-sm">Empty body.</p>
                ) : (
                  <CodeEditor
                    value={body.text}
                    fileName={body.isJson ? "response.json" : "response.txt"}
                    label="Response body"
                    isReadOnly
                    isWrapped
                    minHeight="6rem"
                    maxHeight="20rem"
                  />
                )}
              </div>
            ) : (
              <dl className="grid max-h-80 gap-1 overflow-auto rounded-lg border p-3 font-mono text-xs">
                {headerEntries.map(([name, value]) => (
                  <div key={name} className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)] gap-3">
                    <dt className="truncate text-muted-foreground">{name}</dt>
                    <dd className="break-all">{value}</dd>
                  </div>
                ))}
              </dl>
            )}
          </div>
        ) : null}
        <InvocationLogs invocation={invocation} />
      </CardContent>
    </Card>
  );
}

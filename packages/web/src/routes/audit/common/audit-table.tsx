import type { AuditEntry } from "@slipway/contracts";
import { ChevronRight } from "lucide-react";
import { Fragment, useState } from "react";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { formatDateTime, formatRelative } from "../../../lib/format";
import { cn } from "../../../lib/utils";

const resultVariant = { success: "success", denied: "warning", failure: "destructive" } as const;

function actorLabel(actor: AuditEntry["actor"]): string {
  if (actor.label) return actor.label;
  if (actor.type === "anonymous") return "Anonymous";
  if (actor.type === "system") return "Slipway";
  return actor.id ?? actor.type;
}

export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const [openId, setOpenId] = useState<string | null>(null);
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead className="w-8">
            <span className="sr-only">Details</span>
          </TableHead>
          <TableHead>Time</TableHead>
          <TableHead>Actor</TableHead>
          <TableHead>Action</TableHead>
          <TableHead>Resource</TableHead>
          <TableHead>Result</TableHead>
          <TableHead>IP</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {entries.map((entry) => {
          const isOpen = openId === entry.id;
          return (
            <Fragment key={entry.id}>
              <TableRow data-testid="audit-row" data-state={isOpen ? "open" : "closed"}>
                <TableCell className="pr-0">
                  <Button
                    variant="ghost"
                    size="icon-sm"
                    className="size-6"
                    aria-expanded={isOpen}
                    aria-label={`Details of ${entry.action}`}
                    onClick={() => setOpenId(isOpen ? null : entry.id)}
                  >
                    <ChevronRight className={cn("transition-transform", isOpen && "rotate-90")} />
                  </Button>
                </TableCell>
                <TableCell className="text-muted-foreground" title={formatDateTime(entry.createdAt)}>
                  {formatRelative(entry.createdAt)}
                </TableCell>
                <TableCell>
                  <span className="flex max-w-56 items-center gap-1.5" title={actorLabel(entry.actor)}>
                    <span className="truncate">{actorLabel(entry.actor)}</span>
                    {entry.actor.type === "token" ? <Badge variant="outline">token</Badge> : null}
                  </span>
                </TableCell>
                <TableCell className="font-mono text-xs">{entry.action}</TableCell>
                <TableCell className="text-muted-foreground">
                  <span className="block max-w-40 truncate" title={entry.resource.id ?? undefined}>
                    {entry.resource.type}
                    {entry.resource.id ? <span className="ml-1 font-mono text-xs">{entry.resource.id}</span> : null}
                  </span>
                </TableCell>
                <TableCell>
                  <Badge variant={resultVariant[entry.result]}>{entry.result}</Badge>
                </TableCell>
                <TableCell className="font-mono text-muted-foreground text-xs">{entry.ip ?? "—"}</TableCell>
              </TableRow>
              {isOpen ? (
                <TableRow className="bg-muted/30 hover:bg-muted/30">
                  <TableCell colSpan={7} className="whitespace-normal">
                    <dl className="grid gap-x-6 gap-y-1 text-xs sm:grid-cols-[8rem_1fr]">
                      <dt className="text-muted-foreground">When (UTC)</dt>
                      <dd className="font-mono">{entry.createdAt}</dd>
                      <dt className="text-muted-foreground">Actor</dt>
                      <dd className="font-mono">
                        {entry.actor.type} {entry.actor.id ?? ""} {entry.actor.label ? `(${entry.actor.label})` : ""}
                      </dd>
                      <dt className="text-muted-foreground">Resource</dt>
                      <dd className="font-mono">
                        {entry.resource.type} {entry.resource.id ?? ""}
                      </dd>
                      <dt className="text-muted-foreground">Details</dt>
                      <dd>
                        <pre className="overflow-x-auto font-mono">
                          {entry.details ? JSON.stringify(entry.details, null, 2) : "—"}
                        </pre>
                      </dd>
                    </dl>
                  </TableCell>
                </TableRow>
              ) : null}
            </Fragment>
          );
        })}
      </TableBody>
    </Table>
  );
}

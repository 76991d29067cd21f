import type { DnsRecord } from "@slipway/contracts";
import { CopyButton } from "../../../components/copy-button";
import { Badge } from "../../../components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { cn } from "../../../lib/utils";

/** A cell's padding: none when the cells stack (the row pads them), the table's own from `sm` on. */
const stacked = "p-0 first:pl-0 last:pr-0 sm:px-3 sm:first:pl-4 sm:last:pr-4";

/**
 * The records to create at the DNS provider, name and value copyable. At phone width each
 * record's cells stack instead of scrolling sideways.
 */
export function DnsRecords({ records }: { records: DnsRecord[] }) {
  return (
    <div className="overflow-hidden rounded-lg border">
      <Table aria-label="DNS records" className="table-fixed">
        <TableHeader className="hidden bg-muted/40 sm:table-header-group">
          <TableRow className="hover:bg-transparent">
            <TableHead className="w-20">Type</TableHead>
            <TableHead className="w-[40%]">Name</TableHead>
            <TableHead>Value</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {records.map((record) => (
            <TableRow
              key={`${record.type} ${record.name}`}
              data-testid="dns-record"
              data-type={record.type}
              className="grid gap-1.5 px-3 py-2.5 hover:bg-transparent sm:table-row sm:p-0"
            >
              <TableCell className={cn(stacked, "flex items-center gap-2 sm:table-cell sm:py-2.5")}>
                <Badge variant="outline" className="font-mono">
                  {record.type}
                </Badge>
                <span className="text-muted-foreground text-xs sm:hidden">
                  {record.purpose === "verification" ? "proves the domain is yours" : "sends visitors here"}
                </span>
              </TableCell>
              <RecordPart part="Name" label={`${record.type} record name`} text={record.name} />
              {record.value === null ? (
                <TableCell className={cn(stacked, "whitespace-normal text-muted-foreground text-xs sm:py-2.5")}>
                  <span className="flex gap-1">
                    <span className="w-11 shrink-0 sm:hidden" aria-hidden>
                      Value
                    </span>
                    <em data-testid="dns-record-hint">{record.hint}</em>
                  </span>
                </TableCell>
              ) : (
                <RecordPart part="Value" label={`${record.type} record value`} text={record.value} />
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function RecordPart({ part, label, text }: { part: "Name" | "Value"; label: string; text: string }) {
  return (
    <TableCell className={cn(stacked, "whitespace-normal sm:py-1.5")}>
      <span className="flex min-w-0 items-center gap-1">
        <span className="w-11 shrink-0 text-muted-foreground text-xs sm:hidden" aria-hidden>
          {part}
        </span>
        <code className="min-w-0 flex-1 break-all font-mono text-xs" data-testid="dns-record-part">
          {text}
        </code>
        <CopyButton text={text} label={label} className="shrink-0" />
      </span>
    </TableCell>
  );
}

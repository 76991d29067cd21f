import type { MailMessage } from "@slipway/contracts";
import { Link, useNavigate } from "@tanstack/react-router";
import { Inbox } from "lucide-react";
import { LoadMore } from "../../../components/load-more";
import { PageHeader } from "../../../components/page-header";
import { EmptyState, ErrorState } from "../../../components/states";
import { Badge } from "../../../components/ui/badge";
import { Card } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { useMailMessages } from "../../../data/mail";
import { useSystemInfo } from "../../../data/system";
import { formatDateTime, formatRelative } from "../../../lib/format";
import { flattenPages } from "../../../lib/pagination";

export const mailStatusVariant = { held: "secondary", sent: "success", failed: "destructive" } as const;

export function MailListPage() {
  const messages = useMailMessages();
  const { data: info } = useSystemInfo();
  const items = flattenPages(messages.data);

  return (
    <div className="grid gap-6">
      <PageHeader
        title="Mail outbox"
        description={
          info?.mailDelivery === "smtp"
            ? "Every message this instance sent, and whether delivery worked."
            : "No mail server is configured (SLIPWAY_SMTP_URL), so messages wait here for you to read or pass on."
        }
      />
      <Card className="overflow-hidden">
        {messages.isPending ? (
          <div className="grid gap-3 p-4">
            {[0, 1, 2].map((row) => (
              <Skeleton key={row} className="h-9" />
            ))}
          </div>
        ) : messages.isError ? (
          <div className="p-4">
            <ErrorState error={messages.error} onRetry={() => void messages.refetch()} />
          </div>
        ) : items.length === 0 ? (
          <EmptyState icon={Inbox} title="No mail yet" description="Password resets and notices show up here." />
        ) : (
          <MailTable messages={items} />
        )}
        <LoadMore {...messages} />
      </Card>
    </div>
  );
}

function MailTable({ messages }: { messages: MailMessage[] }) {
  const navigate = useNavigate();
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Subject</TableHead>
          <TableHead>To</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Received</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {messages.map((message) => (
          <TableRow
            key={message.id}
            className="cursor-pointer"
            data-testid="mail-row"
            // The subject link is the keyboard path; the whole row is a larger target for the mouse.
            onClick={() => void navigate({ to: "/admin/mail/$mailId", params: { mailId: message.id } })}
          >
            <TableCell className="max-w-80 truncate font-medium">
              <Link
                to="/admin/mail/$mailId"
                params={{ mailId: message.id }}
                className="rounded-sm outline-none hover:underline focus-visible:ring-[3px] focus-visible:ring-ring/50"
              >
                {message.subject}
              </Link>
            </TableCell>
            <TableCell>{message.to}</TableCell>
            <TableCell>
              <Badge variant={mailStatusVariant[message.status]} title={message.error ?? undefined}>
                {message.status}
              </Badge>
            </TableCell>
            <TableCell className="text-muted-foreground" title={formatDateTime(message.createdAt)}>
              {formatRelative(message.createdAt)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

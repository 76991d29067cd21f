import type { MailMessage } from "@slipway/contracts";
import { Link, useNavigate } from "@tanstack/react-router";
import { Inbox } from "lucide-react";
import { PageHeader } from "../../../components/page-header";
import { PagedList } from "../../../components/paged-list";
import { EmptyState } from "../../../components/states";
import { Badge } from "../../../components/ui/badge";
import { Card } from "../../../components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { useMailMessages } from "../../../data/mail";
import { useSystemInfo } from "../../../data/system";
import { formatDateTime, formatRelative } from "../../../lib/format";

export const mailStatusVariant = { held: "secondary", sent: "success", failed: "destructive" } as const;

export function MailListPage() {
  const messages = useMailMessages();
  const { data: info } = useSystemInfo();

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
        <PagedList
          query={messages}
          empty={
            <EmptyState icon={Inbox} title="No mail yet" description="Password resets and notices show up here." />
          }
        >
          {(items) => <MailTable messages={items} />}
        </PagedList>
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

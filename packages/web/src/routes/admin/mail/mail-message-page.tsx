import { getRouteApi, Link } from "@tanstack/react-router";
import { ArrowLeft } from "lucide-react";
import { Fragment } from "react";
import { ErrorState } from "../../../components/states";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { Card } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { useMailMessage } from "../../../data/mail";
import { formatDateTime } from "../../../lib/format";
import { mailStatusVariant } from "./mail-list-page";

const route = getRouteApi("/_app/admin/mail/$mailId");

export function MailMessagePage() {
  const { mailId } = route.useParams();
  const message = useMailMessage(mailId);

  return (
    <div className="grid gap-6">
      <Button asChild variant="ghost" size="sm" className="-ml-2 justify-self-start text-muted-foreground">
        <Link to="/admin/mail">
          <ArrowLeft />
          Mail outbox
        </Link>
      </Button>
      {message.isError ? (
        <ErrorState error={message.error} onRetry={() => void message.refetch()} />
      ) : (
        <Card className="overflow-hidden">
          <div className="grid gap-3 border-b p-6">
            {message.data ? (
              <h1 className="font-semibold text-xl tracking-tight">{message.data.subject}</h1>
            ) : (
              <Skeleton className="h-7 w-2/3" />
            )}
            {message.data ? (
              <dl className="grid grid-cols-[4rem_1fr] gap-y-1 text-sm">
                <dt className="text-muted-foreground">To</dt>
                <dd>{message.data.to}</dd>
                <dt className="text-muted-foreground">Date</dt>
                <dd>{formatDateTime(message.data.createdAt)}</dd>
                <dt className="text-muted-foreground">Status</dt>
                <dd className="flex flex-wrap items-center gap-2">
                  <Badge variant={mailStatusVariant[message.data.status]}>{message.data.status}</Badge>
                  {message.data.error ? <span className="text-destructive text-xs">{message.data.error}</span> : null}
                </dd>
              </dl>
            ) : (
              <Skeleton className="h-16 w-1/2" />
            )}
          </div>
          <div className="p-6">
            {message.data ? (
              <div className="whitespace-pre-wrap break-words text-sm leading-relaxed" data-testid="mail-body">
                <Linkified text={message.data.text} />
              </div>
            ) : (
              <div className="grid gap-2">
                <Skeleton className="h-4" />
                <Skeleton className="h-4 w-5/6" />
                <Skeleton className="h-4 w-2/3" />
              </div>
            )}
          </div>
        </Card>
      )}
    </div>
  );
}

/** Plain-text mail with its http(s) links made clickable; nothing else is interpreted. */
function Linkified({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return parts.map((part, index) =>
    /^https?:\/\//.test(part) ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the split of one fixed text never reorders
      <a key={index} href={part} className="break-all font-medium text-foreground underline underline-offset-4">
        {part}
      </a>
    ) : (
      // biome-ignore lint/suspicious/noArrayIndexKey: see above
      <Fragment key={index}>{part}</Fragment>
    ),
  );
}

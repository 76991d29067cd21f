import { AlertTriangle, type LucideIcon, RotateCw } from "lucide-react";
import type { ReactNode } from "react";
import { ApiError, errorMessage } from "../lib/api";
import { cn } from "../lib/utils";
import { Button } from "./ui/button";

/** What a page shows when its data did not load; offers a retry and the request id to report. */
export function ErrorState({
  error,
  onRetry,
  className,
}: {
  error: unknown;
  onRetry?: () => void;
  className?: string;
}) {
  const requestId = error instanceof ApiError ? error.requestId : null;
  return (
    <div
      role="alert"
      className={cn(
        "flex flex-col items-center gap-3 rounded-xl border border-dashed px-6 py-12 text-center",
        className,
      )}
    >
      <div className="flex size-10 items-center justify-center rounded-full bg-destructive/10 text-destructive">
        <AlertTriangle className="size-5" />
      </div>
      <div className="space-y-1">
        <p className="font-medium">Couldn't load this</p>
        <p className="max-w-md text-muted-foreground text-sm">{errorMessage(error)}</p>
        {requestId ? <p className="font-mono text-muted-foreground text-xs">Request {requestId}</p> : null}
      </div>
      {onRetry ? (
        <Button variant="outline" size="sm" onClick={onRetry}>
          <RotateCw /> Try again
        </Button>
      ) : null}
    </div>
  );
}

export function EmptyState({
  icon: Icon,
  title,
  description,
  action,
  className,
}: {
  icon: LucideIcon;
  title: string;
  description?: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  return (
    <div className={cn("flex flex-col items-center gap-3 px-6 py-12 text-center", className)}>
      <div className="flex size-10 items-center justify-center rounded-full bg-muted text-muted-foreground">
        <Icon className="size-5" />
      </div>
      <div className="space-y-1">
        <p className="font-medium">{title}</p>
        {description ? <p className="max-w-sm text-muted-foreground text-sm">{description}</p> : null}
      </div>
      {action}
    </div>
  );
}

import type { AccountSession } from "@slipway/contracts";
import { useNavigate } from "@tanstack/react-router";
import { LogOut, Monitor, Smartphone } from "lucide-react";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { ErrorState } from "../../../components/states";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { Card, CardDescription, CardFooter, CardHeader, CardTitle } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { useRevokeAllSessions, useRevokeSession, useSessions } from "../../../data/auth";
import { formatDateTime, formatRelative } from "../../../lib/format";
import { toastError, withToasts } from "../../../lib/toast";

/** Enough to recognise a device: "Chrome on Linux". */
function describeDevice(userAgent: string | null): { label: string; isPhone: boolean } {
  if (!userAgent) return { label: "Unknown device", isPhone: false };
  const browser =
    [
      ["Edg/", "Edge"],
      ["Firefox/", "Firefox"],
      ["Chrome/", "Chrome"],
      ["Safari/", "Safari"],
    ].find(([marker]) => marker && userAgent.includes(marker))?.[1] ?? "Browser";
  const system =
    [
      ["Android", "Android"],
      ["iPhone", "iOS"],
      ["iPad", "iPadOS"],
      ["Windows", "Windows"],
      ["Mac OS X", "macOS"],
      ["CrOS", "ChromeOS"],
      ["Linux", "Linux"],
    ].find(([marker]) => marker && userAgent.includes(marker))?.[1] ?? "an unknown system";
  return { label: `${browser} on ${system}`, isPhone: /Mobile|Android|iPhone/.test(userAgent) };
}

export function SessionsCard() {
  const navigate = useNavigate();
  const sessions = useSessions();
  const revokeAll = useRevokeAllSessions();

  return (
    <Card>
      <CardHeader className="pb-4">
        <CardTitle>Sessions</CardTitle>
        <CardDescription>Where your account is signed in right now.</CardDescription>
      </CardHeader>
      {sessions.isPending ? (
        <div className="grid gap-3 border-t p-4">
          <Skeleton className="h-10" />
          <Skeleton className="h-10" />
        </div>
      ) : sessions.isError ? (
        <div className="border-t p-4">
          <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
        </div>
      ) : (
        <ul className="divide-y border-t" aria-label="Sessions">
          {/* This device first, then in the server's order: the most recently active first. */}
          {sessions.data
            .toSorted((a, b) => Number(b.isCurrent) - Number(a.isCurrent))
            .map((session) => (
              <SessionRow key={session.id} session={session} />
            ))}
        </ul>
      )}
      <CardFooter className="justify-between">
        <p className="text-muted-foreground">Signs out every device, this one included.</p>
        <ConfirmDialog
          trigger={
            <Button variant="outline" size="sm">
              <LogOut />
              Sign out everywhere
            </Button>
          }
          title="Sign out everywhere?"
          description="Every browser signed in to your account is signed out, this one included. API tokens keep working."
          confirmLabel="Sign out everywhere"
          onConfirm={() =>
            revokeAll.mutateAsync().then(
              () => navigate({ to: "/sign-in" }),
              (error: unknown) => {
                toastError("Couldn't sign out everywhere")(error);
                throw error;
              },
            )
          }
        />
      </CardFooter>
    </Card>
  );
}

function SessionRow({ session }: { session: AccountSession }) {
  const revoke = useRevokeSession();
  const device = describeDevice(session.userAgent);
  const Icon = device.isPhone ? Smartphone : Monitor;
  return (
    <li className="flex items-center gap-3 px-6 py-3" data-testid="session-row">
      <span className="flex size-8 shrink-0 items-center justify-center rounded-lg border">
        <Icon className="size-4 text-muted-foreground" />
      </span>
      <div className="grid min-w-0 flex-1 leading-tight">
        <span className="flex items-center gap-2 font-medium text-sm">
          {device.label}
          {session.isCurrent ? <Badge variant="success">This device</Badge> : null}
        </span>
        <span className="text-muted-foreground text-xs">
          {session.ipAddress ? `${session.ipAddress} · ` : ""}
          <span title={formatDateTime(session.createdAt)}>signed in {formatRelative(session.createdAt)}</span>
          {" · "}
          <span title={formatDateTime(session.expiresAt)}>expires {formatRelative(session.expiresAt)}</span>
        </span>
      </div>
      {session.isCurrent ? null : (
        <ConfirmDialog
          trigger={
            <Button variant="ghost" size="sm">
              Sign out
            </Button>
          }
          title={`Sign out ${device.label}?`}
          description="That browser has to sign in again to use your account."
          confirmLabel="Sign out device"
          onConfirm={() =>
            withToasts(revoke.mutateAsync(session.id), {
              success: "Signed out that device",
              error: "Couldn't sign out that device",
            })
          }
        />
      )}
    </li>
  );
}

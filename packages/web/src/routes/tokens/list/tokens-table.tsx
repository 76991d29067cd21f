import type { ApiToken } from "@slipway/contracts";
import { permissionDescriptions } from "@slipway/contracts";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { useRevokeToken } from "../../../data/tokens";
import { formatDateTime, formatRelative } from "../../../lib/format";
import { withToasts } from "../../../lib/toast";

function status(token: ApiToken): { label: string; variant: "success" | "warning" | "destructive" } {
  if (token.revokedAt) return { label: "Revoked", variant: "destructive" };
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= Date.now())
    return { label: "Expired", variant: "warning" };
  return { label: "Active", variant: "success" };
}

export function TokensTable({
  teamId,
  tokens,
  canRevoke,
}: {
  teamId: string;
  tokens: ApiToken[];
  canRevoke: (token: ApiToken) => boolean;
}) {
  const revoke = useRevokeToken(teamId);
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Name</TableHead>
          <TableHead>Scopes</TableHead>
          <TableHead>Created by</TableHead>
          <TableHead>Last used</TableHead>
          <TableHead>Expires</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {tokens.map((token) => {
          const state = status(token);
          return (
            <TableRow key={token.id} data-testid="token-row">
              <TableCell>
                <div className="grid">
                  <span className="font-medium">{token.name}</span>
                  <span className="font-mono text-muted-foreground text-xs">{token.start}…</span>
                </div>
              </TableCell>
              <TableCell>
                <Scopes scopes={token.scopes} />
              </TableCell>
              <TableCell>
                <div className="grid">
                  <span>{token.createdBy.email}</span>
                  <span className="text-muted-foreground text-xs" title={formatDateTime(token.createdAt)}>
                    {formatRelative(token.createdAt)}
                  </span>
                </div>
              </TableCell>
              <TableCell className="text-muted-foreground">
                {token.lastUsedAt ? (
                  <span title={formatDateTime(token.lastUsedAt)}>{formatRelative(token.lastUsedAt)}</span>
                ) : (
                  "Never"
                )}
              </TableCell>
              <TableCell className="text-muted-foreground">
                {token.expiresAt ? (
                  <span title={formatDateTime(token.expiresAt)}>{formatRelative(token.expiresAt)}</span>
                ) : (
                  "Never"
                )}
              </TableCell>
              <TableCell>
                <Badge variant={state.variant}>{state.label}</Badge>
              </TableCell>
              <TableCell className="text-right">
                {state.label === "Active" && canRevoke(token) ? (
                  <ConfirmDialog
                    trigger={
                      <Button variant="outline" size="sm" aria-label={`Revoke ${token.name}`}>
                        Revoke
                      </Button>
                    }
                    title={`Revoke ${token.name}?`}
                    description="Anything using this token stops working at once. This can't be undone."
                    confirmLabel="Revoke token"
                    onConfirm={() =>
                      withToasts(revoke.mutateAsync(token.id), {
                        success: `Revoked ${token.name}`,
                        error: "Couldn't revoke the token",
                      })
                    }
                  />
                ) : null}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

function Scopes({ scopes }: { scopes: ApiToken["scopes"] }) {
  const shown = scopes.slice(0, 2);
  const rest = scopes.length - shown.length;
  return (
    <div className="flex items-center gap-1" title={scopes.map((s) => `${s}: ${permissionDescriptions[s]}`).join("\n")}>
      {shown.map((scope) => (
        <Badge key={scope} variant="outline" className="font-mono font-normal">
          {scope}
        </Badge>
      ))}
      {rest > 0 ? <span className="text-muted-foreground text-xs">+{rest}</span> : null}
    </div>
  );
}

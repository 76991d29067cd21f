import { Lock, Pencil, Trash2 } from "lucide-react";
import type { ReactNode } from "react";
import { formatDateTime, formatRelative } from "../lib/format";
import { withToasts } from "../lib/toast";
import { ConfirmDialog } from "./confirm-dialog";
import { SecretValue } from "./secret-value";
import { Badge } from "./ui/badge";
import { Button } from "./ui/button";

/** An environment variable's key with when it last changed, as env tables show it. */
export function EnvKey({ envVar }: { envVar: { key: string; updatedAt: string } }) {
  return (
    <div className="grid leading-tight">
      <span className="font-medium font-mono text-xs">{envVar.key}</span>
      <span className="text-muted-foreground text-xs" title={formatDateTime(envVar.updatedAt)}>
        updated {formatRelative(envVar.updatedAt)}
      </span>
    </div>
  );
}

/** The value behind reveal and copy, or "Sensitive" for one that is written and never read back (null). */
export function EnvValue({ envVar }: { envVar: { key: string; value: string | null } }) {
  if (envVar.value === null) {
    return (
      <Badge variant="outline">
        <Lock className="size-3" aria-hidden />
        Sensitive
      </Badge>
    );
  }
  return <SecretValue value={envVar.value} label={`value of ${envVar.key}`} />;
}

/** Edit (the table's own dialog, opened by the button it is given) and delete after a confirm. */
export function EnvVarActions({
  envKey,
  editDialog,
  deleteNote,
  onDelete,
}: {
  envKey: string;
  editDialog: (trigger: ReactNode) => ReactNode;
  /** What deleting changes, for the confirm dialog: "Builds from the next deployment on no longer see it." */
  deleteNote: string;
  onDelete: () => Promise<unknown>;
}) {
  return (
    <div className="flex justify-end gap-1">
      {editDialog(
        <Button variant="ghost" size="icon-sm" aria-label={`Edit ${envKey}`}>
          <Pencil />
        </Button>,
      )}
      <ConfirmDialog
        trigger={
          <Button variant="ghost" size="icon-sm" aria-label={`Delete ${envKey}`}>
            <Trash2 />
          </Button>
        }
        title={`Delete ${envKey}?`}
        description={deleteNote}
        confirmLabel="Delete variable"
        onConfirm={() => withToasts(onDelete(), { success: `Deleted ${envKey}`, error: `Couldn't delete ${envKey}` })}
      />
    </div>
  );
}

import type { FunctionTrigger, ServerlessFunction } from "@slipway/contracts";
import type { UseQueryResult } from "@tanstack/react-query";
import { Trash2 } from "lucide-react";
import type { ReactNode } from "react";
import { toast } from "sonner";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { ErrorState } from "../../../components/states";
import { Button } from "../../../components/ui/button";
import { Skeleton } from "../../../components/ui/skeleton";
import { Switch } from "../../../components/ui/switch";
import { useDeleteTrigger, useSetTriggerEnabled } from "../../../data/functions";
import { formatDateTime, formatRelative } from "../../../lib/format";
import { withToasts } from "../../../lib/toast";
import { SettingsCard } from "../../projects/settings/settings-card";
import { useCurrentTeam } from "../../teams/team-layout";

export type TriggersQuery = UseQueryResult<FunctionTrigger[]>;

/**
 * A card of the triggers of one `kind`: title, description and the add control, then loading,
 * error, `empty`, or `children` with the triggers.
 */
export function TriggersCard({
  title,
  description,
  action,
  triggers,
  kind,
  empty,
  children,
}: {
  title: string;
  description: string;
  action: ReactNode;
  triggers: TriggersQuery;
  kind: FunctionTrigger["kind"];
  empty: ReactNode;
  children: (items: FunctionTrigger[]) => ReactNode;
}) {
  const items = triggers.data?.filter((trigger) => trigger.kind === kind) ?? [];
  return (
    <SettingsCard title={title} description={description} action={action}>
      <div className="mt-6 border-t">
        {triggers.isPending ? (
          <div className="grid gap-3 p-4">
            <Skeleton className="h-9" />
          </div>
        ) : triggers.isError ? (
          <div className="p-4">
            <ErrorState error={triggers.error} onRetry={() => void triggers.refetch()} />
          </div>
        ) : items.length === 0 ? (
          empty
        ) : (
          children(items)
        )}
      </div>
    </SettingsCard>
  );
}

/** On/off and delete for one trigger; `name` says which ("the schedule 0 * * * *"). */
export function TriggerActions({
  fn,
  trigger,
  name,
}: {
  fn: ServerlessFunction;
  trigger: FunctionTrigger;
  name: string;
}) {
  const { team, can } = useCurrentTeam();
  const setEnabled = useSetTriggerEnabled(team.id, fn.id);
  const remove = useDeleteTrigger(team.id, fn.id);
  const canManage = can("functions:manage");
  return (
    <div className="flex items-center justify-end gap-2">
      <Switch
        aria-label={`${trigger.isEnabled ? "Disable" : "Enable"} ${name}`}
        checked={trigger.isEnabled}
        disabled={!canManage || setEnabled.isPending}
        onCheckedChange={(isEnabled) =>
          setEnabled.mutate(
            { triggerId: trigger.id, isEnabled },
            {
              onSuccess: () => toast.success(`${isEnabled ? "Enabled" : "Disabled"} ${name}`),
              onError: (error) => toast.error(`Couldn't change ${name}: ${error.message}`),
            },
          )
        }
      />
      {canManage ? (
        <ConfirmDialog
          trigger={
            <Button variant="ghost" size="icon-sm" aria-label={`Delete ${name}`}>
              <Trash2 />
            </Button>
          }
          title={`Delete ${name}?`}
          description={`${fn.name} no longer runs on it. Invocations it already started are kept.`}
          confirmLabel="Delete trigger"
          onConfirm={() =>
            withToasts(remove.mutateAsync(trigger.id), { success: `Deleted ${name}`, error: `Couldn't delete ${name}` })
          }
        />
      ) : null}
    </div>
  );
}

/** "in 12 minutes", "3 hours ago", with the exact time on hover; `never` when there is none. */
export function When({ at, never }: { at: string | null; never: string }) {
  if (!at) return <>{never}</>;
  return (
    <time dateTime={at} title={formatDateTime(at)}>
      {formatRelative(at)}
    </time>
  );
}

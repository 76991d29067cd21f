import type { EnvVar, Project } from "@slipway/contracts";
import { Lock, Pencil, Plus, Trash2, Variable } from "lucide-react";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { SecretValue } from "../../../components/secret-value";
import { EmptyState, ErrorState } from "../../../components/states";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { Skeleton } from "../../../components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { useDeleteEnvVar, useEnvVars } from "../../../data/env";
import { capitalize, formatDateTime, formatRelative } from "../../../lib/format";
import { withToasts } from "../../../lib/toast";
import { useCurrentTeam } from "../../teams/team-layout";
import { EnvVarDialog } from "./env-var-dialog";
import { SettingsCard } from "./settings-card";

/** Variables builds see; sensitive ones are written, never read back. */
export function EnvCard({ project }: { project: Project }) {
  const { team, can } = useCurrentTeam();
  const vars = useEnvVars(team.id, project.id);
  const canWrite = can("env:write");
  const addButton = canWrite ? (
    <EnvVarDialog
      project={project}
      trigger={
        <Button size="sm">
          <Plus />
          Add variable
        </Button>
      }
    />
  ) : null;

  return (
    <SettingsCard
      id="env"
      title="Environment variables"
      description="Set for builds of the targets you choose. A change applies to the next deployment."
      action={addButton}
    >
      <div className="mt-4 border-t">
        {vars.isPending ? (
          <div className="grid gap-3 p-4">
            <Skeleton className="h-9" />
            <Skeleton className="h-9" />
          </div>
        ) : vars.isError ? (
          <div className="p-4">
            <ErrorState error={vars.error} onRetry={() => void vars.refetch()} />
          </div>
        ) : vars.data.length === 0 ? (
          <EmptyState
            icon={Variable}
            title="No environment variables"
            description="API keys, feature flags, anything the build reads from process.env."
          />
        ) : (
          <EnvTable project={project} vars={vars.data} canWrite={canWrite} />
        )}
      </div>
    </SettingsCard>
  );
}

function EnvTable({ project, vars, canWrite }: { project: Project; vars: EnvVar[]; canWrite: boolean }) {
  const { team } = useCurrentTeam();
  const remove = useDeleteEnvVar(team.id, project.id);
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Key</TableHead>
          <TableHead>Value</TableHead>
          <TableHead>Targets</TableHead>
          <TableHead>
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {vars.map((envVar) => (
          <TableRow key={envVar.id} data-testid="env-row">
            <TableCell>
              <div className="grid leading-tight">
                <span className="font-medium font-mono text-xs">{envVar.key}</span>
                <span className="text-muted-foreground text-xs" title={formatDateTime(envVar.updatedAt)}>
                  updated {formatRelative(envVar.updatedAt)}
                </span>
              </div>
            </TableCell>
            <TableCell className="max-w-56">
              {envVar.value === null ? (
                <Badge variant="outline">
                  <Lock className="size-3" aria-hidden />
                  Sensitive
                </Badge>
              ) : (
                <SecretValue value={envVar.value} label={`value of ${envVar.key}`} />
              )}
            </TableCell>
            <TableCell>
              <div className="flex gap-1">
                {envVar.targets.map((target) => (
                  <Badge key={target} variant="secondary">
                    {capitalize(target)}
                  </Badge>
                ))}
              </div>
            </TableCell>
            <TableCell className="text-right">
              {canWrite ? (
                <div className="flex justify-end gap-1">
                  <EnvVarDialog
                    project={project}
                    envVar={envVar}
                    trigger={
                      <Button variant="ghost" size="icon-sm" aria-label={`Edit ${envVar.key}`}>
                        <Pencil />
                      </Button>
                    }
                  />
                  <ConfirmDialog
                    trigger={
                      <Button variant="ghost" size="icon-sm" aria-label={`Delete ${envVar.key}`}>
                        <Trash2 />
                      </Button>
                    }
                    title={`Delete ${envVar.key}?`}
                    description="Builds from the next deployment on no longer see it."
                    confirmLabel="Delete variable"
                    onConfirm={() =>
                      withToasts(remove.mutateAsync(envVar.id), {
                        success: `Deleted ${envVar.key}`,
                        error: `Couldn't delete ${envVar.key}`,
                      })
                    }
                  />
                </div>
              ) : null}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

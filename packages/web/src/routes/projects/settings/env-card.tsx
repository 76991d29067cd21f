import type { EnvVar, Project } from "@slipway/contracts";
import { Plus, Variable } from "lucide-react";
import { EnvKey, EnvValue, EnvVarActions } from "../../../components/env-var-cells";
import { EmptyState, ErrorState } from "../../../components/states";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { Skeleton } from "../../../components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { useDeleteEnvVar, useEnvVars } from "../../../data/env";
import { capitalize } from "../../../lib/format";
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
              <EnvKey envVar={envVar} />
            </TableCell>
            <TableCell className="max-w-56">
              <EnvValue envVar={envVar} />
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
                <EnvVarActions
                  envKey={envVar.key}
                  editDialog={(trigger) => <EnvVarDialog project={project} envVar={envVar} trigger={trigger} />}
                  deleteNote="Builds from the next deployment on no longer see it."
                  onDelete={() => remove.mutateAsync(envVar.id)}
                />
              ) : null}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

import type { ServerlessFunction } from "@slipway/contracts";
import { useNavigate } from "@tanstack/react-router";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { DangerRow, DangerZone } from "../../../components/danger-zone";
import { Button } from "../../../components/ui/button";
import { useDeleteFunction } from "../../../data/functions";
import { withToasts } from "../../../lib/toast";
import { useCurrentTeam } from "../../teams/team-layout";
import { useCurrentFunction } from "../detail/function-layout";
import { AsyncCard } from "./async-card";
import { FunctionEnvCard } from "./function-env-card";
import { LimitsCard } from "./limits-card";

/**
 * The Settings tab. Each card saves on its own and starts over when the saved values change
 * (its key), so Save is enabled only by an edit.
 */
export function FunctionSettingsPage() {
  const { can } = useCurrentTeam();
  const fn = useCurrentFunction();
  const { async, inheritProjectEnv, isPrivate, ...limits } = fn.settings;
  return (
    <div className="grid gap-6">
      <LimitsCard key={JSON.stringify(limits)} fn={fn} />
      <AsyncCard key={JSON.stringify(async)} fn={fn} />
      {can("env:read") ? <FunctionEnvCard fn={fn} /> : null}
      {can("functions:manage") ? <FunctionDangerZone fn={fn} /> : null}
    </div>
  );
}

function FunctionDangerZone({ fn }: { fn: ServerlessFunction }) {
  const { team } = useCurrentTeam();
  const navigate = useNavigate();
  const remove = useDeleteFunction(team.id, fn.id);
  return (
    <DangerZone>
      <DangerRow
        title="Delete function"
        description="Deletes its versions, triggers, environment variables and invocation history. Its URL stops answering."
      >
        <ConfirmDialog
          trigger={
            <Button variant="destructive" size="sm">
              Delete function
            </Button>
          }
          title={`Delete ${fn.name}?`}
          description="Its URL stops answering at once, its schedules and event triggers stop, and its history is gone. This can't be undone."
          confirmLabel="Delete function"
          confirmText={fn.name}
          onConfirm={() =>
            withToasts(remove.mutateAsync(), {
              success: `Deleted ${fn.name}`,
              error: `Couldn't delete ${fn.name}`,
            }).then(() =>
              navigate({
                to: "/t/$teamId/projects/$projectId/functions",
                params: { teamId: team.id, projectId: fn.projectId },
              }),
            )
          }
        />
      </DangerRow>
    </DangerZone>
  );
}

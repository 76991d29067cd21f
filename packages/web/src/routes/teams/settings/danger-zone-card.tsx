import type { Team } from "@slipway/contracts";
import { useNavigate } from "@tanstack/react-router";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { DangerRow, DangerZone } from "../../../components/danger-zone";
import { Button } from "../../../components/ui/button";
import { useMe } from "../../../data/me";
import { useDeleteTeam, useLeaveTeam } from "../../../data/teams";
import { withToasts } from "../../../lib/toast";

/** Leaving and deleting; a personal team can do neither. */
export function DangerZoneCard({ team, canDelete }: { team: Team; canDelete: boolean }) {
  const me = useMe();
  const navigate = useNavigate();
  const leave = useLeaveTeam(team.id);
  const remove = useDeleteTeam(team.id);
  if (team.isPersonal) return null;

  const personalTeamId = me.teams.find((t) => t.isPersonal)?.id;
  const goHome = () =>
    personalTeamId ? navigate({ to: "/t/$teamId", params: { teamId: personalTeamId } }) : navigate({ to: "/account" });

  return (
    <DangerZone>
      <DangerRow title="Leave team" description="You lose access to this team. An owner can add you back.">
        <ConfirmDialog
          trigger={
            <Button variant="outline" size="sm">
              Leave team
            </Button>
          }
          title={`Leave ${team.name}?`}
          description="You lose access to its settings, tokens and audit log at once."
          confirmLabel="Leave team"
          onConfirm={() =>
            withToasts(leave.mutateAsync(), {
              success: `You left ${team.name}`,
              error: "Couldn't leave the team",
            }).then(goHome)
          }
        />
      </DangerRow>
      {canDelete ? (
        <DangerRow
          title="Delete team"
          description="Deletes the team, its memberships and API tokens. This can't be undone."
        >
          <ConfirmDialog
            trigger={
              <Button variant="destructive" size="sm">
                Delete team
              </Button>
            }
            title={`Delete ${team.name}?`}
            description="Everyone loses access and all of the team's API tokens stop working. This can't be undone."
            confirmLabel="Delete team"
            confirmText={team.slug}
            onConfirm={() =>
              withToasts(remove.mutateAsync(), {
                success: `Deleted ${team.name}`,
                error: "Couldn't delete the team",
              }).then(goHome)
            }
          />
        </DangerRow>
      ) : null}
    </DangerZone>
  );
}

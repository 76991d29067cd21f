import type { Build } from "@slipway/contracts";
import { useNavigate } from "@tanstack/react-router";
import { RotateCw, Square } from "lucide-react";
import { toast } from "sonner";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { Button } from "../../../components/ui/button";
import { isBuildActive, useCancelBuild, useRetryBuild } from "../../../data/builds";
import { toastError, withToasts } from "../../../lib/toast";
import { useCurrentTeam } from "../../teams/team-layout";

/** Retry for an ended build, Cancel (confirmed) for a running one; only what the role may do. */
export function BuildActions({ build, size = "icon" }: { build: Build; size?: "icon" | "label" }) {
  const { team, can } = useCurrentTeam();
  const navigate = useNavigate();
  const retry = useRetryBuild(team.id);
  const cancel = useCancelBuild(team.id);
  const isLabelled = size === "label";

  if (isBuildActive(build)) {
    if (!can("builds:cancel")) return null;
    return (
      <ConfirmDialog
        trigger={
          <Button variant="outline" size={isLabelled ? "sm" : "icon-sm"} aria-label={`Cancel build #${build.number}`}>
            <Square />
            {isLabelled ? "Cancel" : null}
          </Button>
        }
        title={`Cancel build #${build.number}?`}
        description="The build stops where it is; production stays on its current deployment."
        confirmLabel="Cancel build"
        onConfirm={() =>
          withToasts(cancel.mutateAsync(build.id), {
            success: `Canceled build #${build.number}`,
            error: "Couldn't cancel the build",
          })
        }
      />
    );
  }
  if (!can("builds:create")) return null;
  return (
    <Button
      variant="outline"
      size={isLabelled ? "sm" : "icon-sm"}
      aria-label={`Retry build #${build.number}`}
      isLoading={retry.isPending}
      onClick={() =>
        retry.mutate(build.id, {
          onSuccess: (next) => {
            toast.success(`Build #${next.number} queued`);
            void navigate({ to: "/t/$teamId/builds/$buildId", params: { teamId: team.id, buildId: next.id } });
          },
          onError: toastError("Couldn't retry the build"),
        })
      }
    >
      {retry.isPending ? null : <RotateCw />}
      {isLabelled ? "Retry" : null}
    </Button>
  );
}

import type { Project } from "@slipway/contracts";
import { Info } from "lucide-react";
import { NewBuildDialog } from "../../builds/common/new-build-dialog";
import { useCurrentTeam } from "../../teams/team-layout";

/** Env vars changed since production was built: they apply only once something deploys again. */
export function PendingEnvBanner({ project }: { project: Project }) {
  const { team, can } = useCurrentTeam();
  if (!project.hasPendingEnvChanges) return null;
  return (
    <div
      role="status"
      data-testid="pending-env-banner"
      className="flex flex-col gap-3 rounded-xl border border-warning/40 bg-warning/10 p-4 sm:flex-row sm:items-center"
    >
      <Info className="size-5 shrink-0 text-warning" />
      <p className="flex-1 text-sm">
        <span className="font-medium">Environment variables changed.</span> They apply to the next deployment;
        production still runs with the previous values.
      </p>
      {project.git && can("builds:create") ? (
        <NewBuildDialog teamId={team.id} project={project} label="Redeploy" />
      ) : null}
    </div>
  );
}

import type { Project } from "@slipway/contracts";
import { useNavigate } from "@tanstack/react-router";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { DangerRow, DangerZone } from "../../../components/danger-zone";
import { Button } from "../../../components/ui/button";
import { useDeleteProject } from "../../../data/projects";
import { displayUrl } from "../../../lib/format";
import { withToasts } from "../../../lib/toast";
import { useCurrentTeam } from "../../teams/team-layout";

export function ProjectDangerZone({ project }: { project: Project }) {
  const { team } = useCurrentTeam();
  const navigate = useNavigate();
  const remove = useDeleteProject(team.id, project.id);
  return (
    <DangerZone>
      <DangerRow
        title="Delete project"
        description="Deletes its builds, deployments and environment variables. Its URLs stop answering."
      >
        <ConfirmDialog
          trigger={
            <Button variant="destructive" size="sm">
              Delete project
            </Button>
          }
          title={`Delete ${project.name}?`}
          description={`${displayUrl(project.productionUrl)} and every deployment URL stop answering at once. This can't be undone.`}
          confirmLabel="Delete project"
          confirmText={project.slug}
          onConfirm={() =>
            withToasts(remove.mutateAsync(), {
              success: `Deleted ${project.name}`,
              error: "Couldn't delete the project",
            }).then(() => navigate({ to: "/t/$teamId/projects", params: { teamId: team.id } }))
          }
        />
      </DangerRow>
    </DangerZone>
  );
}

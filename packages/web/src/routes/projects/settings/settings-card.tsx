import type { Project, UpdateProjectInput } from "@slipway/contracts";
import type { ReactNode } from "react";
import { toast } from "sonner";
import { Card, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { useUpdateProject } from "../../../data/projects";
import { useCurrentTeam } from "../../teams/team-layout";

/** One section of the project's settings; `id` makes it linkable (`#git`). */
export function SettingsCard({
  id,
  title,
  description,
  action,
  children,
}: {
  id?: string;
  title: string;
  description: ReactNode;
  action?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Card id={id} className="scroll-mt-20">
      <CardHeader className="flex-row items-start justify-between gap-4">
        <div className="grid gap-1.5">
          <CardTitle>{title}</CardTitle>
          <CardDescription>{description}</CardDescription>
        </div>
        {action}
      </CardHeader>
      {children}
    </Card>
  );
}

/** Saves part of the project and says so; a validation failure goes back to the form's fields. */
export function useSaveProject(project: Project, what: string) {
  const { team, can } = useCurrentTeam();
  const update = useUpdateProject(team.id, project.id);
  return {
    canSave: can("projects:update"),
    isSaving: update.isPending,
    save: (input: UpdateProjectInput, form: { showServerError: (error: unknown) => void }) =>
      update.mutate(input, { onSuccess: () => toast.success(`Saved ${what}`), onError: form.showServerError }),
  };
}

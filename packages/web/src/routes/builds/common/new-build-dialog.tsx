import { createBuildSchema, type Project } from "@slipway/contracts";
import { useNavigate } from "@tanstack/react-router";
import { Play } from "lucide-react";
import { toast } from "sonner";
import { z } from "zod";
import { DialogForm, FormDialog } from "../../../components/form-dialog";
import { FormField, TextField } from "../../../components/form-field";
import { Button } from "../../../components/ui/button";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { useStartBuild } from "../../../data/builds";
import { useProjects } from "../../../data/projects";
import { flattenPages } from "../../../lib/pagination";
import { useZodForm } from "../../../lib/use-zod-form";

const newBuildSchema = createBuildSchema.extend({ projectId: z.string().min(1, "choose a project") });

/**
 * Starts a build of a branch and opens it, to watch its log. With `project` the dialog builds
 * that one; without, it asks which (the team-wide Builds page).
 */
export function NewBuildDialog({
  teamId,
  project,
  label = "New build",
}: {
  teamId: string;
  project?: Project;
  label?: string;
}) {
  return (
    <FormDialog
      trigger={
        <Button size="sm">
          <Play />
          {label}
        </Button>
      }
      title={project ? `Build ${project.name}` : "Start a build"}
      description="Builds the latest commit of a branch. The production branch deploys to production; any other branch gets a preview."
    >
      {(close) => <NewBuildForm teamId={teamId} project={project} onStarted={close} />}
    </FormDialog>
  );
}

function NewBuildForm({
  teamId,
  project,
  onStarted,
}: {
  teamId: string;
  project: Project | undefined;
  onStarted: () => void;
}) {
  const navigate = useNavigate();
  const start = useStartBuild(teamId);
  const projects = useProjects(teamId, { limit: 100 });
  const choices = project ? [project] : flattenPages(projects.data).filter((p) => p.git !== null);
  const form = useZodForm({
    schema: newBuildSchema,
    initial: { projectId: project?.id ?? "", branch: project?.productionBranch ?? "" },
    prepare: (values) => ({ projectId: values.projectId, branch: values.branch.trim() || undefined }),
  });
  const chosen = choices.find((p) => p.id === form.values.projectId);
  const branches = [...new Set([chosen?.productionBranch, chosen?.git?.branch].filter((b) => b !== undefined))];

  const submit = form.handleSubmit((input) =>
    start.mutate(input, {
      onSuccess: (build) => {
        toast.success(`Build #${build.number} queued`);
        onStarted();
        void navigate({ to: "/t/$teamId/builds/$buildId", params: { teamId, buildId: build.id } });
      },
      onError: form.showServerError,
    }),
  );

  return (
    <DialogForm onSubmit={submit} error={form.errors.form} submitLabel="Start build" isSubmitting={start.isPending}>
      {project ? null : (
        <FormField
          label="Project"
          error={form.errors.projectId}
          hint={
            choices.length === 0 && !projects.isPending ? "No project has a git repository to build from." : undefined
          }
        >
          {({ id, ...aria }) => (
            <Select
              value={form.values.projectId}
              onValueChange={(projectId) => {
                const next = choices.find((p) => p.id === projectId);
                form.setField("projectId", projectId);
                form.setField("branch", next?.productionBranch ?? "");
              }}
            >
              <SelectTrigger id={id} {...aria}>
                <SelectValue placeholder={projects.isPending ? "Loading projects…" : "Choose a project"} />
              </SelectTrigger>
              <SelectContent>
                {choices.map((choice) => (
                  <SelectItem key={choice.id} value={choice.id} description={choice.git?.url}>
                    {choice.name}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          )}
        </FormField>
      )}
      <TextField
        label="Branch"
        list="build-branch-suggestions"
        autoComplete="off"
        placeholder={chosen?.productionBranch ?? "main"}
        hint={chosen ? `Production deploys from ${chosen.productionBranch}.` : undefined}
        className="font-mono"
        {...form.bind("branch")}
      />
      <datalist id="build-branch-suggestions">
        {branches.map((branch) => (
          <option key={branch} value={branch} />
        ))}
      </datalist>
    </DialogForm>
  );
}

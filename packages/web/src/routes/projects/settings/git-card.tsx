import { gitSourceSchema, type Project } from "@slipway/contracts";
import { TextField } from "../../../components/form-field";
import { SettingsForm } from "../../../components/settings-form";
import { useZodForm } from "../../../lib/use-zod-form";
import { showDetectError } from "../common/detect-error";
import { SettingsCard, useSaveProject } from "./settings-card";

/**
 * The repository to build from; for an empty project, connecting one here starts git builds.
 * Which branch is production is a deployment preference (its own card).
 */
export function GitCard({ project }: { project: Project }) {
  const saving = useSaveProject(project, "the git settings");
  const form = useZodForm({
    schema: gitSourceSchema,
    initial: {
      url: project.git?.url ?? "",
      branch: project.git?.branch ?? project.productionBranch,
      rootDir: project.git?.rootDir ?? "",
    },
  });
  const disabled = !saving.canSave;

  const submit = form.handleSubmit((git) =>
    saving.save(
      { git },
      {
        showServerError: (error) => {
          if (!showDetectError(form, error)) form.showServerError(error);
        },
      },
    ),
  );

  return (
    <SettingsCard
      id="git"
      title="Git"
      description={
        project.git
          ? "Where builds clone from. Pushes to the production branch deploy to production; other branches get previews."
          : "This project deploys from the CLI. Connect a repository to build on every push."
      }
    >
      <SettingsForm
        onSubmit={submit}
        error={form.errors.form}
        hint="The branch is what “Build now” and the deploy hook build by default."
        canSave={saving.canSave}
        isDirty={form.isDirty}
        isSaving={saving.isSaving}
      >
        <TextField
          label="Repository URL"
          placeholder="https://github.com/acme/site.git"
          className="font-mono"
          autoComplete="off"
          spellCheck={false}
          disabled={disabled}
          {...form.bind("url")}
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Branch" className="font-mono" disabled={disabled} {...form.bind("branch")} />
          <TextField
            label="Root directory"
            placeholder="/"
            className="font-mono"
            disabled={disabled}
            {...form.bind("rootDir")}
          />
        </div>
      </SettingsForm>
    </SettingsCard>
  );
}

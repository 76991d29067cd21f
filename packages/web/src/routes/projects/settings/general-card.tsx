import { type Project, updateProjectSchema } from "@slipway/contracts";
import { TextField } from "../../../components/form-field";
import { SettingsForm } from "../../../components/settings-form";
import { useZodForm } from "../../../lib/use-zod-form";
import { SettingsCard, useSaveProject } from "./settings-card";

const nameSchema = updateProjectSchema.pick({ name: true }).required();

export function GeneralCard({ project }: { project: Project }) {
  const saving = useSaveProject(project, "the project name");
  const form = useZodForm({ schema: nameSchema, initial: { name: project.name } });
  return (
    <SettingsCard id="general" title="General" description="The name shown in the dashboard.">
      <SettingsForm
        onSubmit={form.handleSubmit((input) => saving.save(input, form))}
        error={form.errors.form}
        hint={
          <>
            Its address stays <span className="font-mono">{project.slug}</span>: renaming doesn't move the site.
          </>
        }
        canSave={saving.canSave}
        isDirty={form.isDirty}
        isSaving={saving.isSaving}
      >
        <TextField label="Project name" disabled={!saving.canSave} {...form.bind("name")} />
      </SettingsForm>
    </SettingsCard>
  );
}

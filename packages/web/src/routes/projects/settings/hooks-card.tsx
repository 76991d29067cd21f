import { buildSettingsSchema, type Project } from "@slipway/contracts";
import { SettingsForm } from "../../../components/settings-form";
import { useZodForm } from "../../../lib/use-zod-form";
import { CommandFields, commandOrNull } from "../common/build-settings-fields";
import { SettingsCard, useSaveProject } from "./settings-card";

const hooksSchema = buildSettingsSchema.pick({ preBuildHook: true, postBuildHook: true });

const hookFields = [
  {
    key: "preBuildHook",
    label: "Pre-build command",
    placeholder: "e.g. npm run lint",
    hint: "After install, before the build command.",
  },
  {
    key: "postBuildHook",
    label: "Post-build command",
    placeholder: "e.g. npm run sitemap",
    hint: "After the build command, before the output is packaged.",
  },
] as const;

/** Commands around the build step, in the same sandbox; a failing hook fails the build. */
export function HooksCard({ project }: { project: Project }) {
  const saving = useSaveProject(project, "the build hooks");
  const form = useZodForm({
    schema: hooksSchema,
    initial: { preBuildHook: project.settings.preBuildHook ?? "", postBuildHook: project.settings.postBuildHook ?? "" },
    prepare: (values) => ({
      preBuildHook: commandOrNull(values.preBuildHook),
      postBuildHook: commandOrNull(values.postBuildHook),
    }),
  });
  return (
    <SettingsCard
      id="hooks"
      title="Build hooks"
      description="Commands that run before and after the build command, in the same sandbox. A hook that fails fails the build."
    >
      <SettingsForm
        onSubmit={form.handleSubmit((settings) => saving.save({ settings }, form))}
        error={form.errors.form}
        hint="Leave a hook empty to skip it."
        canSave={saving.canSave}
        isDirty={form.isDirty}
        isSaving={saving.isSaving}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <CommandFields fields={hookFields} bind={form.bind} disabled={!saving.canSave} />
        </div>
      </SettingsForm>
    </SettingsCard>
  );
}

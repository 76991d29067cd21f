import {
  defaultDeploymentPreferences,
  deploymentPreferencesSchema,
  type Project,
  updateProjectSchema,
} from "@slipway/contracts";
import { TextField } from "../../../components/form-field";
import { NumberField, numberOrUndefined } from "../../../components/number-field";
import { SettingsForm } from "../../../components/settings-form";
import { SwitchField } from "../../../components/switch-field";
import { useZodForm } from "../../../lib/use-zod-form";
import { SettingsCard, useSaveProject } from "./settings-card";

const preferencesFormSchema = deploymentPreferencesSchema.extend({
  productionBranch: updateProjectSchema.shape.productionBranch.unwrap(),
});

/** Which branch is production, whether pushes deploy, and how long previews stay. */
export function PreferencesCard({ project }: { project: Project }) {
  const saving = useSaveProject(project, "the deployment preferences");
  const { autoDeploy, previewRetentionDays } = project.preferences;
  const form = useZodForm({
    schema: preferencesFormSchema,
    initial: {
      productionBranch: project.productionBranch,
      autoDeploy,
      isPreviewRetained: previewRetentionDays === null,
      previewRetentionDays: String(previewRetentionDays ?? defaultDeploymentPreferences.previewRetentionDays),
    },
    prepare: ({ isPreviewRetained, ...values }) => ({
      ...values,
      previewRetentionDays: isPreviewRetained ? null : numberOrUndefined(values.previewRetentionDays),
    }),
  });
  const disabled = !saving.canSave;

  return (
    <SettingsCard
      id="preferences"
      title="Deployment preferences"
      description="Which pushes deploy to production, and how long preview deployments stay online."
    >
      <SettingsForm
        onSubmit={form.handleSubmit(({ productionBranch, ...preferences }) =>
          saving.save({ productionBranch, preferences }, form),
        )}
        error={form.errors.form}
        hint="Previews that an address still points at (a branch, a domain) are kept."
        canSave={saving.canSave}
        isDirty={form.isDirty}
        isSaving={saving.isSaving}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Production branch"
            hint="Its builds go to production; other branches get previews."
            className="font-mono"
            spellCheck={false}
            disabled={disabled}
            {...form.bind("productionBranch")}
          />
          <SwitchField
            label="Deploy on push"
            hint={
              project.git
                ? "Off: pushes are ignored; deploy with Build now, the deploy hook or the CLI."
                : "Takes effect once a repository is connected."
            }
            checked={form.values.autoDeploy}
            onCheckedChange={(checked) => form.setField("autoDeploy", checked)}
            error={form.errors.autoDeploy}
            disabled={disabled}
          />
          <SwitchField
            label="Keep previews forever"
            hint="Off: previews are deleted after the days set here."
            checked={form.values.isPreviewRetained}
            onCheckedChange={(checked) => form.setField("isPreviewRetained", checked)}
            disabled={disabled}
          />
          <NumberField
            label="Delete previews after (days)"
            {...form.bind("previewRetentionDays")}
            disabled={disabled || form.values.isPreviewRetained}
          />
        </div>
      </SettingsForm>
    </SettingsCard>
  );
}

import { buildLimitsSchema, defaultBuildLimits, type Project } from "@slipway/contracts";
import { NumberField, numberOrUndefined } from "../../../components/number-field";
import { SettingsForm } from "../../../components/settings-form";
import { useZodForm } from "../../../lib/use-zod-form";
import { SettingsCard, useSaveProject } from "./settings-card";

const fields = [
  { key: "memoryMb", label: "Memory (MB)", step: "64" },
  { key: "cpus", label: "CPUs", step: "0.1" },
  { key: "pids", label: "Processes", step: "1" },
  { key: "timeoutSeconds", label: "Timeout (seconds)", step: "1" },
] as const;

type LimitKey = (typeof fields)[number]["key"];

/** What one build may use; the sandbox enforces them (the build's Isolation panel says how). */
export function LimitsCard({ project }: { project: Project }) {
  const saving = useSaveProject(project, "the build limits");
  const form = useZodForm({
    schema: buildLimitsSchema,
    initial: Object.fromEntries(fields.map(({ key }) => [key, String(project.limits[key])])) as Record<
      LimitKey,
      string
    >,
    prepare: (values) => Object.fromEntries(fields.map(({ key }) => [key, numberOrUndefined(values[key])])),
  });
  return (
    <SettingsCard
      id="limits"
      title="Build limits"
      description={`Resources for each build. Defaults: ${defaultBuildLimits.memoryMb} MB, ${defaultBuildLimits.cpus} CPU, ${defaultBuildLimits.pids} processes, ${defaultBuildLimits.timeoutSeconds} s.`}
    >
      <SettingsForm
        onSubmit={form.handleSubmit((limits) => saving.save({ limits }, form))}
        error={form.errors.form}
        hint="A build past its time limit is stopped and fails."
        canSave={saving.canSave}
        isDirty={form.isDirty}
        isSaving={saving.isSaving}
      >
        <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
          {fields.map((field) => (
            <NumberField
              key={field.key}
              label={field.label}
              step={field.step}
              disabled={!saving.canSave}
              {...form.bind(field.key)}
            />
          ))}
        </div>
      </SettingsForm>
    </SettingsCard>
  );
}

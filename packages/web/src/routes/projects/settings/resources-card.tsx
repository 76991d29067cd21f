import {
  type Autoscale,
  autoscaleSchema,
  defaultRuntimeSettings,
  type Project,
  type RuntimeSettings,
  runtimeSettingsSchema,
} from "@slipway/contracts";
import { Link } from "@tanstack/react-router";
import { TextField } from "../../../components/form-field";
import { NumberField, numberOrUndefined } from "../../../components/number-field";
import { SettingsForm, SettingsGroup } from "../../../components/settings-form";
import { SwitchField } from "../../../components/switch-field";
import { CardContent } from "../../../components/ui/card";
import { useZodForm } from "../../../lib/use-zod-form";
import { useCurrentTeam } from "../../teams/team-layout";
import { isServerApp } from "../common/app-state";
import { AutoscaleFields } from "./autoscale-fields";
import { SettingsCard, useSaveProject } from "./settings-card";

/** The contract's settings with the autoscaling policy's fields side by side, so each error lands on its field. */
const resourcesFormSchema = runtimeSettingsSchema.omit({ autoscale: true }).extend({
  autoscaleMetric: autoscaleSchema.shape.metric,
  autoscaleTarget: autoscaleSchema.shape.target,
  autoscaleCooldownSeconds: autoscaleSchema.shape.cooldownSeconds,
});

/** What the policy fields start from when autoscaling is off. */
const autoscaleStart = { metric: "requests", target: 10, cooldownSeconds: 60 } as const;
/** What the production idle time starts from when scale-to-zero is off. */
const productionIdleStart = 60;

const numberKeys = [
  "memoryMb",
  "cpus",
  "pids",
  "minInstances",
  "maxInstances",
  "autoscaleTarget",
  "autoscaleCooldownSeconds",
  "previewIdleMinutes",
  "productionIdleMinutes",
  "healthCheckTimeoutSeconds",
  "shutdownGraceSeconds",
] as const;

function toValues(runtime: RuntimeSettings) {
  const autoscale = runtime.autoscale ?? autoscaleStart;
  const numbers = {
    ...runtime,
    autoscaleTarget: autoscale.target,
    autoscaleCooldownSeconds: autoscale.cooldownSeconds,
    productionIdleMinutes: runtime.productionIdleMinutes ?? productionIdleStart,
  };
  return {
    ...(Object.fromEntries(numberKeys.map((key) => [key, String(numbers[key])])) as Record<
      (typeof numberKeys)[number],
      string
    >),
    isAutoscaled: runtime.autoscale !== null,
    autoscaleMetric: autoscale.metric as Autoscale["metric"],
    isProductionIdle: runtime.productionIdleMinutes !== null,
    healthCheckPath: runtime.healthCheckPath ?? "",
  };
}

export type ResourcesForm = ReturnType<typeof useResourcesForm>;

function useResourcesForm(runtime: RuntimeSettings) {
  return useZodForm({
    schema: resourcesFormSchema,
    initial: toValues(runtime),
    prepare: ({ isAutoscaled, isProductionIdle, healthCheckPath, autoscaleMetric, ...values }) => {
      const numbers = Object.fromEntries(numberKeys.map((key) => [key, numberOrUndefined(values[key])]));
      return {
        ...numbers,
        // Switched off: its disabled fields must not block saving.
        ...(isAutoscaled
          ? { autoscaleMetric }
          : {
              autoscaleMetric: autoscaleStart.metric,
              autoscaleTarget: autoscaleStart.target,
              autoscaleCooldownSeconds: autoscaleStart.cooldownSeconds,
            }),
        productionIdleMinutes: isProductionIdle ? numbers.productionIdleMinutes : null,
        healthCheckPath: healthCheckPath.trim() || null,
      };
    },
  });
}

/** Resources, instance counts, autoscaling, idling and health of a server app's instances. */
export function ResourcesCard({ project }: { project: Project }) {
  const { team } = useCurrentTeam();
  const saving = useSaveProject(project, "the resources and scaling");
  const form = useResourcesForm(project.runtime);
  const disabled = !saving.canSave;
  const bind = (key: (typeof numberKeys)[number]) => ({ ...form.bind(key), disabled });

  const submit = form.handleSubmit(({ autoscaleMetric, autoscaleTarget, autoscaleCooldownSeconds, ...runtime }) =>
    saving.save(
      {
        runtime: {
          ...runtime,
          autoscale: form.values.isAutoscaled
            ? { metric: autoscaleMetric, target: autoscaleTarget, cooldownSeconds: autoscaleCooldownSeconds }
            : null,
        },
      },
      form,
    ),
  );

  const description = `What each instance may use, how many run, and when they stop. Defaults: ${defaultRuntimeSettings.memoryMb} MB, ${defaultRuntimeSettings.cpus} CPU, one instance.`;
  if (!isServerApp(project)) {
    return (
      <SettingsCard id="resources" title="Resources & scaling" description={description}>
        <CardContent className="pt-4 text-muted-foreground text-sm" data-testid="resources-static-note">
          Applies to server apps. This project is a static site the edge serves as files; set a start command in{" "}
          <Link
            to="/t/$teamId/projects/$projectId/settings"
            params={{ teamId: team.id, projectId: project.id }}
            hash="build"
            className="font-medium text-foreground underline-offset-4 hover:underline"
          >
            Build & output
          </Link>{" "}
          to run it as a server.
        </CardContent>
      </SettingsCard>
    );
  }
  return (
    <SettingsCard id="resources" title="Resources & scaling" description={description}>
      <SettingsForm
        onSubmit={submit}
        error={form.errors.form}
        hint="Counts apply at once; resources when instances next start (restart them to apply now)."
        canSave={saving.canSave}
        isDirty={form.isDirty}
        isSaving={saving.isSaving}
        className="gap-6"
      >
        <SettingsGroup title="Each instance" isCompact>
          <NumberField label="Memory (MB)" step="64" {...bind("memoryMb")} />
          <NumberField label="CPUs" step="0.1" {...bind("cpus")} />
          <NumberField label="Process limit" {...bind("pids")} />
        </SettingsGroup>
        <SettingsGroup title="Instances" isCompact>
          <NumberField label="Minimum" hint="0 lets production idle out." {...bind("minInstances")} />
          <NumberField label="Maximum" hint="The most that scaling may run." {...bind("maxInstances")} />
        </SettingsGroup>
        <AutoscaleFields form={form} disabled={disabled} />
        <SettingsGroup title="Scale to zero">
          <NumberField
            label="Previews after (minutes)"
            hint="Without requests; the next request starts them again."
            {...bind("previewIdleMinutes")}
          />
          <SwitchField
            label="Scale production to zero"
            hint="Off: production keeps running."
            checked={form.values.isProductionIdle}
            onCheckedChange={(checked) => form.setField("isProductionIdle", checked)}
            disabled={disabled}
          />
          <NumberField
            label="Production after (minutes)"
            {...bind("productionIdleMinutes")}
            disabled={disabled || !form.values.isProductionIdle}
          />
        </SettingsGroup>
        <SettingsGroup title="Health & shutdown">
          <TextField
            label="Health check path"
            placeholder="none: the port accepting connections"
            hint="Ready when it answers 2xx or 3xx."
            className="font-mono"
            spellCheck={false}
            disabled={disabled}
            {...form.bind("healthCheckPath")}
          />
          <NumberField label="Health check timeout (seconds)" {...bind("healthCheckTimeoutSeconds")} />
          <NumberField
            label="Shutdown grace (seconds)"
            hint="From SIGTERM to SIGKILL."
            {...bind("shutdownGraceSeconds")}
          />
        </SettingsGroup>
      </SettingsForm>
    </SettingsCard>
  );
}

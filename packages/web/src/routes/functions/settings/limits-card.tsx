import { defaultFunctionSettings, functionSettingsSchema, type ServerlessFunction } from "@slipway/contracts";
import { NumberField, numberOrUndefined } from "../../../components/number-field";
import { SettingsForm, SettingsGroup } from "../../../components/settings-form";
import { useZodForm } from "../../../lib/use-zod-form";
import { SettingsCard } from "../../projects/settings/settings-card";
import { useSaveFunction } from "./use-save-function";

const limitsSchema = functionSettingsSchema.pick({
  memoryMb: true,
  timeoutSeconds: true,
  concurrency: true,
  maxInstances: true,
  rateLimitPerMinute: true,
});

const numberKeys = ["memoryMb", "timeoutSeconds", "concurrency", "maxInstances"] as const;

/** What one invocation may use and how many run at once; the rate limit is optional. */
export function LimitsCard({ fn }: { fn: ServerlessFunction }) {
  const saving = useSaveFunction(fn, "the limits");
  const { settings } = fn;
  const form = useZodForm({
    schema: limitsSchema,
    initial: {
      memoryMb: String(settings.memoryMb),
      timeoutSeconds: String(settings.timeoutSeconds),
      concurrency: String(settings.concurrency),
      maxInstances: String(settings.maxInstances),
      rateLimitPerMinute: settings.rateLimitPerMinute === null ? "" : String(settings.rateLimitPerMinute),
    },
    prepare: (values) => ({
      ...Object.fromEntries(numberKeys.map((key) => [key, numberOrUndefined(values[key])])),
      // An empty box is "no limit", which the contract spells null.
      rateLimitPerMinute: values.rateLimitPerMinute.trim() === "" ? null : Number(values.rateLimitPerMinute),
    }),
  });
  const disabled = !saving.canSave;
  const bind = (key: keyof typeof form.values) => ({ ...form.bind(key), disabled });
  const defaults = defaultFunctionSettings;

  return (
    <SettingsCard
      id="limits"
      title="Resources & limits"
      description={`What each invocation may use, and how many run at once. Defaults: ${defaults.memoryMb} MB, ${defaults.timeoutSeconds} s, one per instance, ${defaults.maxInstances} instances.`}
    >
      <SettingsForm
        onSubmit={form.handleSubmit((settings) => saving.save({ settings }, form))}
        error={form.errors.form}
        hint="Memory and timeout apply to new instances; running ones finish their calls first."
        canSave={saving.canSave}
        isDirty={form.isDirty}
        isSaving={saving.isSaving}
        className="gap-6"
      >
        <SettingsGroup title="Each invocation" isCompact>
          <NumberField label="Memory (MB)" step="64" hint="64 to 4096; killed above it." {...bind("memoryMb")} />
          <NumberField label="Timeout (seconds)" hint="Up to 900." {...bind("timeoutSeconds")} />
        </SettingsGroup>
        <SettingsGroup title="Scaling" isCompact>
          <NumberField label="Concurrency" hint="Calls one instance serves at once." {...bind("concurrency")} />
          <NumberField label="Max instances" hint="Beyond them, calls get 429." {...bind("maxInstances")} />
          <NumberField label="Rate limit (per minute)" hint="Empty: no limit." {...bind("rateLimitPerMinute")} />
        </SettingsGroup>
      </SettingsForm>
    </SettingsCard>
  );
}

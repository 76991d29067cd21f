import { destinationSchema, functionSettingsSchema, type ServerlessFunction } from "@slipway/contracts";
import type { z } from "zod";
import { NumberField, numberOrUndefined } from "../../../components/number-field";
import { SettingsForm, SettingsGroup } from "../../../components/settings-form";
import { useZodForm } from "../../../lib/use-zod-form";
import { SettingsCard } from "../../projects/settings/settings-card";
import { type DestinationDraft, DestinationField, toDestination, toDraft } from "./destination-field";
import { useSaveFunction } from "./use-save-function";

const asyncSchema = functionSettingsSchema.shape.async.extend({
  onSuccess: destinationSchema.nullable(),
  onFailure: destinationSchema.nullable(),
});

/** Retries, event age and where results go, for invocations queued with `X-Slipway-Invocation: async`. */
export function AsyncCard({ fn }: { fn: ServerlessFunction }) {
  const saving = useSaveFunction(fn, "the async settings");
  const { async } = fn.settings;
  const form = useZodForm({
    schema: asyncSchema,
    initial: {
      retries: String(async.retries),
      retryDelaySeconds: String(async.retryDelaySeconds),
      maxEventAgeSeconds: String(async.maxEventAgeSeconds),
      onSuccess: toDraft(async.onSuccess),
      onFailure: toDraft(async.onFailure),
    },
    prepare: (values) => ({
      retries: numberOrUndefined(values.retries),
      retryDelaySeconds: numberOrUndefined(values.retryDelaySeconds),
      maxEventAgeSeconds: numberOrUndefined(values.maxEventAgeSeconds),
      onSuccess: toDestination(values.onSuccess),
      onFailure: toDestination(values.onFailure),
    }),
  });
  const disabled = !saving.canSave;
  const bind = (key: "retries" | "retryDelaySeconds" | "maxEventAgeSeconds") => ({ ...form.bind(key), disabled });
  const bindDestination = (key: "onSuccess" | "onFailure") => ({
    value: form.values[key],
    onChange: (draft: DestinationDraft) => form.setField(key, draft),
    error: form.errors[key],
    disabled,
    selfId: fn.id,
  });

  return (
    <SettingsCard
      id="async"
      title="Asynchronous invocations"
      description="Queued calls (202 with an invocation id): how often a failure is retried, how long an event may wait, and where results go."
    >
      <SettingsForm
        onSubmit={form.handleSubmit((input: z.output<typeof asyncSchema>) =>
          saving.save({ settings: { async: input } }, form),
        )}
        error={form.errors.form}
        hint="Out of retries or too old, an event becomes a dead letter you can retry from Invocations."
        canSave={saving.canSave}
        isDirty={form.isDirty}
        isSaving={saving.isSaving}
        className="gap-6"
      >
        <SettingsGroup title="Retries" isCompact>
          <NumberField label="Retries" hint="After the first attempt; 0 to 10." {...bind("retries")} />
          <NumberField label="Retry delay (seconds)" hint="Doubles on each retry." {...bind("retryDelaySeconds")} />
          <NumberField label="Max event age (seconds)" hint="60 to 21600 (6 hours)." {...bind("maxEventAgeSeconds")} />
        </SettingsGroup>
        <SettingsGroup title="Destinations">
          <DestinationField label="On success" {...bindDestination("onSuccess")} />
          <DestinationField label="On failure" {...bindDestination("onFailure")} />
        </SettingsGroup>
      </SettingsForm>
    </SettingsCard>
  );
}

import { createEnvVarSchema, type EnvVar, envTargets, type Project, updateEnvVarSchema } from "@slipway/contracts";
import type { ReactNode } from "react";
import { toast } from "sonner";
import { DialogForm, FormDialog } from "../../../components/form-dialog";
import { FormField, TextField } from "../../../components/form-field";
import { Checkbox } from "../../../components/ui/checkbox";
import { Label } from "../../../components/ui/label";
import { Switch } from "../../../components/ui/switch";
import { useCreateEnvVar, useUpdateEnvVar } from "../../../data/env";
import { capitalize } from "../../../lib/format";
import { useZodForm } from "../../../lib/use-zod-form";
import { useCurrentTeam } from "../../teams/team-layout";

type Target = (typeof envTargets)[number];

/** Adds a variable, or with `envVar` changes one (its key stays; sensitivity only ever turns on). */
export function EnvVarDialog({ project, envVar, trigger }: { project: Project; envVar?: EnvVar; trigger: ReactNode }) {
  return (
    <FormDialog
      trigger={trigger}
      title={envVar ? `Edit ${envVar.key}` : "Add an environment variable"}
      description="It applies to the next deployment of the targets you pick."
    >
      {(close) =>
        envVar ? (
          <EditForm project={project} envVar={envVar} onDone={close} />
        ) : (
          <CreateForm project={project} onDone={close} />
        )
      }
    </FormDialog>
  );
}

function CreateForm({ project, onDone }: { project: Project; onDone: () => void }) {
  const { team } = useCurrentTeam();
  const create = useCreateEnvVar(team.id, project.id);
  const form = useZodForm({
    schema: createEnvVarSchema,
    initial: { key: "", value: "", isSensitive: false, targets: [...envTargets] as Target[] },
    prepare: (values) => ({ ...values, key: values.key.trim() }),
  });
  const submit = form.handleSubmit((input) =>
    create.mutate(input, {
      onSuccess: (created) => {
        toast.success(`Added ${created.key}`);
        onDone();
      },
      onError: form.showServerError,
    }),
  );
  return (
    <DialogForm onSubmit={submit} error={form.errors.form} submitLabel="Add variable" isSubmitting={create.isPending}>
      <TextField
        label="Key"
        placeholder="API_URL"
        autoFocus
        autoComplete="off"
        spellCheck={false}
        className="font-mono"
        {...form.bind("key")}
      />
      <TextField label="Value" autoComplete="off" spellCheck={false} className="font-mono" {...form.bind("value")} />
      <EnvOptions form={form} />
    </DialogForm>
  );
}

function EditForm({ project, envVar, onDone }: { project: Project; envVar: EnvVar; onDone: () => void }) {
  const { team } = useCurrentTeam();
  const update = useUpdateEnvVar(team.id, project.id);
  const form = useZodForm({
    schema: updateEnvVarSchema,
    initial: { value: envVar.value ?? "", isSensitive: envVar.isSensitive, targets: envVar.targets },
    // Only what changed goes to the server; an empty box keeps a sensitive value as it is.
    prepare: (values) => ({
      ...(values.value !== (envVar.value ?? "") ? { value: values.value } : {}),
      ...(values.targets.join() !== envVar.targets.join() ? { targets: values.targets } : {}),
      ...(values.isSensitive && !envVar.isSensitive ? { isSensitive: true } : {}),
    }),
  });
  const submit = form.handleSubmit((change) =>
    update.mutate(
      { envId: envVar.id, change },
      {
        onSuccess: () => {
          toast.success(`Saved ${envVar.key}`);
          onDone();
        },
        onError: form.showServerError,
      },
    ),
  );
  return (
    <DialogForm onSubmit={submit} error={form.errors.form} submitLabel="Save" isSubmitting={update.isPending}>
      <TextField
        label="Value"
        autoFocus
        autoComplete="off"
        spellCheck={false}
        className="font-mono"
        placeholder={envVar.isSensitive ? "Leave empty to keep the current value" : undefined}
        {...form.bind("value")}
      />
      <EnvOptions form={form} isSensitiveLocked={envVar.isSensitive} />
    </DialogForm>
  );
}

type OptionsForm = {
  values: { targets: Target[]; isSensitive: boolean };
  errors: { targets?: string | undefined };
  setField: ((key: "targets", value: Target[]) => void) & ((key: "isSensitive", value: boolean) => void);
};

/** Targets and the sensitive switch, shared by add and edit. */
function EnvOptions({ form, isSensitiveLocked = false }: { form: OptionsForm; isSensitiveLocked?: boolean }) {
  function toggle(target: Target, isChecked: boolean) {
    const others = form.values.targets.filter((t) => t !== target);
    // Keep the order of `envTargets`, so an edit that re-adds a target is not a change.
    form.setField(
      "targets",
      envTargets.filter((t) => (t === target ? isChecked : others.includes(t))),
    );
  }
  return (
    <>
      <fieldset className="grid gap-2">
        <legend className="mb-2 font-medium text-sm">Targets</legend>
        <div className="flex flex-wrap gap-x-5 gap-y-2">
          {envTargets.map((target) => (
            <div key={target} className="flex items-center gap-2">
              <Checkbox
                id={`env-target-${target}`}
                checked={form.values.targets.includes(target)}
                onCheckedChange={(checked) => toggle(target, checked === true)}
              />
              <Label htmlFor={`env-target-${target}`} className="cursor-pointer font-normal">
                {capitalize(target)}
              </Label>
            </div>
          ))}
        </div>
        {form.errors.targets ? <p className="text-destructive text-xs">{form.errors.targets}</p> : null}
      </fieldset>
      <FormField
        label="Sensitive"
        hint={
          isSensitiveLocked
            ? "Sensitive values can't be read back or made readable again."
            : "Once saved, nobody can read the value back, only replace it."
        }
      >
        {(control) => (
          <div className="flex h-6 items-center">
            <Switch
              {...control}
              checked={form.values.isSensitive}
              disabled={isSensitiveLocked}
              onCheckedChange={(checked) => form.setField("isSensitive", checked)}
            />
          </div>
        )}
      </FormField>
    </>
  );
}

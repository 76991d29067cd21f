import {
  type FunctionEnvVar,
  functionEnvKeySchema,
  type ServerlessFunction,
  setFunctionEnvVarSchema,
} from "@slipway/contracts";
import { Plus, Variable } from "lucide-react";
import type { ReactNode } from "react";
import { toast } from "sonner";
import { EnvKey, EnvValue, EnvVarActions } from "../../../components/env-var-cells";
import { DialogForm, FormDialog } from "../../../components/form-dialog";
import { TextField } from "../../../components/form-field";
import { EmptyState, ErrorState } from "../../../components/states";
import { SwitchField } from "../../../components/switch-field";
import { Button } from "../../../components/ui/button";
import { Skeleton } from "../../../components/ui/skeleton";
import { Switch } from "../../../components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import {
  useDeleteFunctionEnvVar,
  useFunctionEnv,
  useSetFunctionEnvVar,
  useUpdateFunction,
} from "../../../data/functions";
import { useZodForm } from "../../../lib/use-zod-form";
import { SettingsCard } from "../../projects/settings/settings-card";
import { useCurrentTeam } from "../../teams/team-layout";

/** The function's own variables (encrypted at rest), and whether it also gets the project's production ones. */
export function FunctionEnvCard({ fn }: { fn: ServerlessFunction }) {
  const { team, can } = useCurrentTeam();
  const vars = useFunctionEnv(team.id, fn.id);
  const canWrite = can("env:write");
  return (
    <SettingsCard
      id="env"
      title="Environment variables"
      description="The function's own variables; a change applies from the next deploy."
      action={
        canWrite ? (
          <EnvVarDialog
            fn={fn}
            trigger={
              <Button size="sm">
                <Plus />
                Add variable
              </Button>
            }
          />
        ) : null
      }
    >
      <InheritRow fn={fn} />
      <div className="border-t">
        {vars.isPending ? (
          <div className="grid gap-3 p-4">
            <Skeleton className="h-9" />
          </div>
        ) : vars.isError ? (
          <div className="p-4">
            <ErrorState error={vars.error} onRetry={() => void vars.refetch()} />
          </div>
        ) : vars.data.length === 0 ? (
          <EmptyState
            icon={Variable}
            title="No variables of its own"
            description="API keys and settings only this function reads; they win over the project's of the same name."
          />
        ) : (
          <EnvTable fn={fn} vars={vars.data} canWrite={canWrite} />
        )}
      </div>
    </SettingsCard>
  );
}

function InheritRow({ fn }: { fn: ServerlessFunction }) {
  const { team, can } = useCurrentTeam();
  const update = useUpdateFunction(team.id, fn.id);
  const isOn = fn.settings.inheritProjectEnv;
  return (
    <div className="mx-6 my-4 flex items-start justify-between gap-4 rounded-lg border p-3">
      <div className="grid gap-0.5">
        <label htmlFor="inherit-project-env" className="font-medium text-sm">
          Include the project's variables
        </label>
        <p className="text-muted-foreground text-sm">
          The project's production variables, under the function's own. Applies from the next deploy.
        </p>
      </div>
      <Switch
        id="inherit-project-env"
        checked={isOn}
        disabled={!can("functions:manage") || update.isPending}
        onCheckedChange={(next) =>
          update.mutate(
            { settings: { inheritProjectEnv: next } },
            {
              onSuccess: () => toast.success(next ? "The project's variables are included" : "Only its own variables"),
              onError: (error) => toast.error(`Couldn't change it: ${error.message}`),
            },
          )
        }
      />
    </div>
  );
}

function EnvTable({ fn, vars, canWrite }: { fn: ServerlessFunction; vars: FunctionEnvVar[]; canWrite: boolean }) {
  const { team } = useCurrentTeam();
  const remove = useDeleteFunctionEnvVar(team.id, fn.id);
  return (
    <Table>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Key</TableHead>
          <TableHead>Value</TableHead>
          <TableHead>
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {vars.map((envVar) => (
          <TableRow key={envVar.key} data-testid="function-env-row">
            <TableCell>
              <EnvKey envVar={envVar} />
            </TableCell>
            <TableCell className="max-w-72">
              <EnvValue envVar={envVar} />
            </TableCell>
            <TableCell className="text-right">
              {canWrite ? (
                <EnvVarActions
                  envKey={envVar.key}
                  editDialog={(trigger) => <EnvVarDialog fn={fn} envVar={envVar} trigger={trigger} />}
                  deleteNote={`${fn.name} no longer sees it from the next deploy on.`}
                  onDelete={() => remove.mutateAsync(envVar.key)}
                />
              ) : null}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

const envFormSchema = setFunctionEnvVarSchema.extend({ key: functionEnvKeySchema });

/** Adds a variable, or with `envVar` replaces its value (a sensitive one stays sensitive). */
function EnvVarDialog({
  fn,
  envVar,
  trigger,
}: {
  fn: ServerlessFunction;
  envVar?: FunctionEnvVar;
  trigger: ReactNode;
}) {
  return (
    <FormDialog
      trigger={trigger}
      title={envVar ? `Edit ${envVar.key}` : "Add an environment variable"}
      description="Encrypted at rest; the function gets it from its next deploy."
    >
      {(close) => <EnvVarForm fn={fn} envVar={envVar} onDone={close} />}
    </FormDialog>
  );
}

function EnvVarForm({
  fn,
  envVar,
  onDone,
}: {
  fn: ServerlessFunction;
  envVar: FunctionEnvVar | undefined;
  onDone: () => void;
}) {
  const { team } = useCurrentTeam();
  const set = useSetFunctionEnvVar(team.id, fn.id);
  const form = useZodForm({
    schema: envFormSchema,
    initial: { key: envVar?.key ?? "", value: envVar?.value ?? "", isSensitive: envVar?.isSensitive ?? false },
    prepare: (values) => ({ ...values, key: values.key.trim() }),
  });
  const submit = form.handleSubmit((input) =>
    set.mutate(input, {
      onSuccess: (saved) => {
        toast.success(`${envVar ? "Saved" : "Added"} ${saved.key}`);
        onDone();
      },
      onError: (error) => {
        form.showServerError(error);
        toast.error(`Couldn't save ${input.key}: ${error.message}`);
      },
    }),
  );
  return (
    <DialogForm
      onSubmit={submit}
      error={form.errors.form}
      submitLabel={envVar ? "Save" : "Add variable"}
      isSubmitting={set.isPending}
    >
      <TextField
        label="Key"
        placeholder="API_URL"
        autoFocus={!envVar}
        autoComplete="off"
        spellCheck={false}
        className="font-mono"
        disabled={envVar !== undefined}
        {...form.bind("key")}
      />
      <TextField
        label="Value"
        autoFocus={envVar !== undefined}
        autoComplete="off"
        spellCheck={false}
        className="font-mono"
        placeholder={envVar?.isSensitive ? "A new value (the current one can't be read)" : undefined}
        {...form.bind("value")}
      />
      <SwitchField
        label="Sensitive"
        hint={
          envVar?.isSensitive
            ? "Sensitive values can't be read back or made readable again."
            : "Once saved, nobody can read the value back, only replace it."
        }
        checked={form.values.isSensitive}
        disabled={envVar?.isSensitive === true}
        onCheckedChange={(checked) => form.setField("isSensitive", checked)}
      />
    </DialogForm>
  );
}

import {
  type CreatedToken,
  createTokenSchema,
  type Permission,
  permissionDescriptions,
  type Team,
} from "@slipway/contracts";
import { Plus } from "lucide-react";
import { DialogForm, FormDialog } from "../../../components/form-dialog";
import { FormField, TextField } from "../../../components/form-field";
import { Button } from "../../../components/ui/button";
import { Checkbox } from "../../../components/ui/checkbox";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { useCreateToken } from "../../../data/tokens";
import { useZodForm } from "../../../lib/use-zod-form";

const expirations = [
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "never", label: "No expiration" },
] as const;
type Expiration = (typeof expirations)[number]["value"];

/** A token never gets more than its creator has, so the picker offers only the user's own permissions. */
export function CreateTokenDialog({ team, onCreated }: { team: Team; onCreated: (created: CreatedToken) => void }) {
  return (
    <FormDialog
      trigger={
        <Button size="sm">
          <Plus />
          Create token
        </Button>
      }
      title="Create an API token"
      description={`It acts for ${team.name} with the scopes you pick, never with more than you can do.`}
      className="sm:max-w-xl"
    >
      {(close) => (
        <CreateTokenForm
          team={team}
          onCreated={(created) => {
            close();
            onCreated(created);
          }}
        />
      )}
    </FormDialog>
  );
}

function CreateTokenForm({ team, onCreated }: { team: Team; onCreated: (created: CreatedToken) => void }) {
  const createToken = useCreateToken(team.id);
  const form = useZodForm({
    schema: createTokenSchema,
    initial: { name: "", scopes: [] as Permission[], expiresIn: "90" as Expiration },
    prepare: (values) => ({
      name: values.name,
      scopes: values.scopes,
      expiresInDays: values.expiresIn === "never" ? null : Number(values.expiresIn),
    }),
  });

  function toggleScope(scope: Permission, isChecked: boolean) {
    const others = form.values.scopes.filter((s) => s !== scope);
    form.setField("scopes", isChecked ? [...others, scope] : others);
  }

  const submit = form.handleSubmit((input) =>
    createToken.mutate(input, { onSuccess: onCreated, onError: form.showServerError }),
  );

  const isAllSelected = form.values.scopes.length === team.permissions.length;

  return (
    <DialogForm
      onSubmit={submit}
      error={form.errors.form}
      submitLabel="Create token"
      isSubmitting={createToken.isPending}
      className="gap-5"
    >
      <div className="grid gap-4 sm:grid-cols-[1fr_11rem]">
        <TextField label="Name" autoFocus placeholder="CI deploys" {...form.bind("name")} />
        <FormField label="Expires" error={form.errors.expiresIn}>
          {({ id }) => (
            <Select
              value={form.values.expiresIn}
              onValueChange={(value) => form.setField("expiresIn", value as Expiration)}
            >
              <SelectTrigger id={id}>
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {expirations.map((option) => (
                  <SelectItem key={option.value} value={option.value}>
                    {option.label}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          )}
        </FormField>
      </div>
      <fieldset className="grid gap-2" aria-describedby={form.errors.scopes ? "scopes-error" : undefined}>
        <div className="flex items-center justify-between">
          <legend className="font-medium text-sm">Scopes</legend>
          <Button
            type="button"
            variant="link"
            size="sm"
            className="h-auto px-0 text-muted-foreground"
            onClick={() => form.setField("scopes", isAllSelected ? [] : [...team.permissions])}
          >
            {isAllSelected ? "Clear all" : "Select all"}
          </Button>
        </div>
        <div className="grid max-h-64 gap-px overflow-y-auto rounded-lg border bg-border">
          {team.permissions.map((scope) => {
            const id = `scope-${scope}`;
            return (
              <label
                key={scope}
                htmlFor={id}
                className="flex cursor-pointer items-start gap-3 bg-background px-3 py-2.5 hover:bg-accent/50"
              >
                <Checkbox
                  id={id}
                  className="mt-0.5"
                  checked={form.values.scopes.includes(scope)}
                  onCheckedChange={(checked) => toggleScope(scope, checked === true)}
                />
                <span className="grid gap-0.5">
                  <span className="font-mono text-xs">{scope}</span>
                  <span className="text-muted-foreground text-xs">{permissionDescriptions[scope]}</span>
                </span>
              </label>
            );
          })}
        </div>
        {form.errors.scopes ? (
          <p id="scopes-error" className="text-destructive text-xs">
            {form.errors.scopes}
          </p>
        ) : null}
      </fieldset>
    </DialogForm>
  );
}

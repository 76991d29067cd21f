import { createTeamSchema } from "@slipway/contracts";
import { useNavigate } from "@tanstack/react-router";
import { toast } from "sonner";
import { DialogForm, FormDialog } from "../../components/form-dialog";
import { TextField } from "../../components/form-field";
import { useCreateTeam } from "../../data/teams";
import { useZodForm } from "../../lib/use-zod-form";

/** What the server derives when no slug is given; shown as the placeholder. */
function suggestSlug(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48);
}

export function CreateTeamDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Create a team"
      description="Teams own projects, tokens and settings. You'll be its owner."
    >
      {(close) => <CreateTeamForm onCreated={close} />}
    </FormDialog>
  );
}

function CreateTeamForm({ onCreated }: { onCreated: () => void }) {
  const navigate = useNavigate();
  const createTeam = useCreateTeam();
  const form = useZodForm({
    schema: createTeamSchema,
    initial: { name: "", slug: "" },
    prepare: (values) => ({ name: values.name, slug: values.slug.trim() || undefined }),
  });

  const submit = form.handleSubmit((input) =>
    createTeam.mutate(input, {
      onSuccess: (team) => {
        toast.success(`Created ${team.name}`);
        onCreated();
        void navigate({ to: "/t/$teamId", params: { teamId: team.id } });
      },
      onError: form.showServerError,
    }),
  );

  return (
    <DialogForm
      onSubmit={submit}
      error={form.errors.form}
      submitLabel="Create team"
      isSubmitting={createTeam.isPending}
    >
      <TextField label="Team name" autoFocus placeholder="Acme Inc." {...form.bind("name")} />
      <TextField
        label="Slug"
        hint="Used in URLs. Leave empty to derive it from the name."
        placeholder={suggestSlug(form.values.name) || "acme"}
        {...form.bind("slug")}
      />
    </DialogForm>
  );
}

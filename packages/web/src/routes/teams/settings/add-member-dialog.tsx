import { addMemberSchema, type BuiltInRole } from "@slipway/contracts";
import { UserPlus } from "lucide-react";
import { toast } from "sonner";
import { DialogForm, FormDialog } from "../../../components/form-dialog";
import { FormField, TextField } from "../../../components/form-field";
import { Button } from "../../../components/ui/button";
import { useAddMember } from "../../../data/members";
import { useZodForm } from "../../../lib/use-zod-form";
import { RoleSelect } from "./role-select";

export function AddMemberDialog({ teamId }: { teamId: string }) {
  return (
    <FormDialog
      trigger={
        <Button size="sm" variant="outline">
          <UserPlus />
          Add member
        </Button>
      }
      title="Add a member"
      description="They need an account on this Slipway instance already; they'll see the team at their next visit."
    >
      {(close) => <AddMemberForm teamId={teamId} onAdded={close} />}
    </FormDialog>
  );
}

function AddMemberForm({ teamId, onAdded }: { teamId: string; onAdded: () => void }) {
  const addMember = useAddMember(teamId);
  const form = useZodForm({
    schema: addMemberSchema,
    initial: { email: "", role: "developer" as BuiltInRole },
    prepare: (values) => ({ ...values, email: values.email.trim() }),
  });

  const submit = form.handleSubmit((input) =>
    addMember.mutate(input, {
      onSuccess: (member) => {
        toast.success(`Added ${member.name} to the team`);
        onAdded();
      },
      onError: form.showServerError,
    }),
  );

  return (
    <DialogForm onSubmit={submit} error={form.errors.form} submitLabel="Add member" isSubmitting={addMember.isPending}>
      <TextField label="Email" type="email" autoFocus placeholder="ada@example.com" {...form.bind("email")} />
      <FormField label="Role" error={form.errors.role}>
        {({ id }) => <RoleSelect id={id} value={form.values.role} onChange={(role) => form.setField("role", role)} />}
      </FormField>
    </DialogForm>
  );
}

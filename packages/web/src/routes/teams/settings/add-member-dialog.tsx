import { addMemberSchema, type BuiltInRole } from "@slipway/contracts";
import { UserPlus } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { FormError, FormField } from "../../../components/form-field";
import { Button } from "../../../components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "../../../components/ui/dialog";
import { Input } from "../../../components/ui/input";
import { useAddMember } from "../../../data/members";
import { useZodForm } from "../../../lib/use-zod-form";
import { RoleSelect } from "./role-select";

export function AddMemberDialog({ teamId }: { teamId: string }) {
  const [isOpen, setIsOpen] = useState(false);
  const addMember = useAddMember(teamId);
  const form = useZodForm({
    schema: addMemberSchema,
    initial: { email: "", role: "developer" as BuiltInRole },
    prepare: (values) => ({ ...values, email: values.email.trim() }),
  });

  function open(next: boolean) {
    setIsOpen(next);
    if (!next) form.reset();
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const input = form.validate();
    if (!input) return;
    addMember.mutate(input, {
      onSuccess: (member) => {
        toast.success(`Added ${member.name} to the team`);
        open(false);
      },
      onError: form.showServerError,
    });
  }

  return (
    <Dialog open={isOpen} onOpenChange={open}>
      <DialogTrigger asChild>
        <Button size="sm" variant="outline">
          <UserPlus />
          Add member
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Add a member</DialogTitle>
          <DialogDescription>
            They need an account on this Slipway instance already; they'll see the team at their next visit.
          </DialogDescription>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={submit} noValidate>
          <FormError message={form.errors.form} />
          <FormField label="Email" error={form.errors.email}>
            {(control) => (
              <Input
                {...control}
                type="email"
                autoFocus
                placeholder="ada@example.com"
                value={form.values.email}
                onChange={(event) => form.setField("email", event.target.value)}
              />
            )}
          </FormField>
          <FormField label="Role" error={form.errors.role}>
            {({ id }) => (
              <RoleSelect id={id} value={form.values.role} onChange={(role) => form.setField("role", role)} />
            )}
          </FormField>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline" type="button">
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" isLoading={addMember.isPending}>
              Add member
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

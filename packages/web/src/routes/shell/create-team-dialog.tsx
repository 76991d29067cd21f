import { createTeamSchema } from "@slipway/contracts";
import { useNavigate } from "@tanstack/react-router";
import { toast } from "sonner";
import { FormError, FormField } from "../../components/form-field";
import { Button } from "../../components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "../../components/ui/dialog";
import { Input } from "../../components/ui/input";
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
  const navigate = useNavigate();
  const createTeam = useCreateTeam();
  const form = useZodForm({
    schema: createTeamSchema,
    initial: { name: "", slug: "" },
    prepare: (values) => ({ name: values.name, slug: values.slug.trim() || undefined }),
  });

  function close(next: boolean) {
    onOpenChange(next);
    if (!next) form.reset();
  }

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const input = form.validate();
    if (!input) return;
    createTeam.mutate(input, {
      onSuccess: (team) => {
        toast.success(`Created ${team.name}`);
        close(false);
        void navigate({ to: "/t/$teamId", params: { teamId: team.id } });
      },
      onError: form.showServerError,
    });
  }

  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Create a team</DialogTitle>
          <DialogDescription>Teams own projects, tokens and settings. You'll be its owner.</DialogDescription>
        </DialogHeader>
        <form className="grid gap-4" onSubmit={submit} noValidate>
          <FormError message={form.errors.form} />
          <FormField label="Team name" error={form.errors.name}>
            {(control) => (
              <Input
                {...control}
                autoFocus
                placeholder="Acme Inc."
                value={form.values.name}
                onChange={(event) => form.setField("name", event.target.value)}
              />
            )}
          </FormField>
          <FormField label="Slug" error={form.errors.slug} hint="Used in URLs. Leave empty to derive it from the name.">
            {(control) => (
              <Input
                {...control}
                placeholder={suggestSlug(form.values.name) || "acme"}
                value={form.values.slug}
                onChange={(event) => form.setField("slug", event.target.value)}
              />
            )}
          </FormField>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline" type="button">
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" isLoading={createTeam.isPending}>
              Create team
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

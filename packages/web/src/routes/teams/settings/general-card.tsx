import { type Team, updateTeamSchema } from "@slipway/contracts";
import { toast } from "sonner";
import { TextField } from "../../../components/form-field";
import { SettingsForm } from "../../../components/settings-form";
import { ErrorState } from "../../../components/states";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { useTeam, useUpdateTeam } from "../../../data/teams";
import { useZodForm } from "../../../lib/use-zod-form";

export function GeneralCard({ teamId, canUpdate }: { teamId: string; canUpdate: boolean }) {
  const teamQuery = useTeam(teamId);
  return (
    <Card>
      <CardHeader>
        <CardTitle>General</CardTitle>
        <CardDescription>The team's display name and the slug used in URLs.</CardDescription>
      </CardHeader>
      {teamQuery.isError ? (
        <CardContent>
          <ErrorState error={teamQuery.error} onRetry={() => void teamQuery.refetch()} />
        </CardContent>
      ) : teamQuery.data ? (
        // Re-mount the form when the saved values change so it starts from them.
        <GeneralForm
          key={`${teamQuery.data.name}|${teamQuery.data.slug}`}
          team={teamQuery.data}
          canUpdate={canUpdate}
        />
      ) : (
        <CardContent className="grid gap-4 sm:grid-cols-2">
          <Skeleton className="h-[58px]" />
          <Skeleton className="h-[58px]" />
        </CardContent>
      )}
    </Card>
  );
}

function GeneralForm({ team, canUpdate }: { team: Team; canUpdate: boolean }) {
  const update = useUpdateTeam(team.id);
  const form = useZodForm({
    schema: updateTeamSchema,
    initial: { name: team.name, slug: team.slug },
    // Send only what changed, so a rename does not re-check an untouched slug.
    prepare: (values) => ({
      ...(values.name !== team.name ? { name: values.name } : {}),
      ...(values.slug !== team.slug ? { slug: values.slug } : {}),
    }),
  });
  const isDirty = form.values.name !== team.name || form.values.slug !== team.slug;

  const submit = form.handleSubmit((input) =>
    update.mutate(input, {
      onSuccess: () => toast.success("Team settings saved"),
      onError: form.showServerError,
    }),
  );

  return (
    <SettingsForm
      onSubmit={submit}
      error={form.errors.form}
      hint="Lowercase letters, digits and dashes for the slug."
      canSave={canUpdate}
      isDirty={isDirty}
      isSaving={update.isPending}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Team name" disabled={!canUpdate} {...form.bind("name")} />
        <TextField label="Slug" disabled={!canUpdate} className="font-mono" {...form.bind("slug")} />
      </div>
    </SettingsForm>
  );
}

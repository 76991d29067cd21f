import { updateProfileSchema } from "@slipway/contracts";
import { toast } from "sonner";
import { FormError, FormField, TextField } from "../../../components/form-field";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "../../../components/ui/card";
import { Input } from "../../../components/ui/input";
import { useMe, useUpdateProfile } from "../../../data/me";
import { formatDate } from "../../../lib/format";
import { useZodForm } from "../../../lib/use-zod-form";

export function ProfileCard() {
  const { user } = useMe();
  const update = useUpdateProfile();
  const form = useZodForm({ schema: updateProfileSchema, initial: { name: user.name } });

  const submit = form.handleSubmit((input) =>
    update.mutate(input, {
      onSuccess: (me) => {
        form.reset({ name: me.user.name });
        toast.success("Profile saved");
      },
      onError: form.showServerError,
    }),
  );

  return (
    <Card>
      <form onSubmit={submit} noValidate>
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            Profile
            {user.isInstanceOwner ? <Badge variant="outline">Instance owner</Badge> : null}
          </CardTitle>
          <CardDescription>Member since {formatDate(user.createdAt)}.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          <FormError message={form.errors.form} />
          <TextField label="Name" autoComplete="name" {...form.bind("name")} />
          <FormField label="Email" hint="Used to sign in and for password resets.">
            {(control) => <Input {...control} value={user.email} readOnly disabled />}
          </FormField>
        </CardContent>
        <CardFooter className="justify-end">
          <Button type="submit" size="sm" disabled={form.values.name === user.name} isLoading={update.isPending}>
            Save
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

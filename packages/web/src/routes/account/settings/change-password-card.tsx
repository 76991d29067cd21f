import { passwordSchema } from "@slipway/contracts";
import { toast } from "sonner";
import { z } from "zod";
import { FormError } from "../../../components/form-field";
import { PasswordField } from "../../../components/password-field";
import { Button } from "../../../components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "../../../components/ui/card";
import { Checkbox } from "../../../components/ui/checkbox";
import { Label } from "../../../components/ui/label";
import { useChangePassword } from "../../../data/auth";
import { useMe } from "../../../data/me";
import { useZodForm } from "../../../lib/use-zod-form";

const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, "enter your current password"),
  newPassword: passwordSchema,
  revokeOtherSessions: z.boolean(),
});

const initial = { currentPassword: "", newPassword: "", revokeOtherSessions: true };

export function ChangePasswordCard() {
  const { user } = useMe();
  const change = useChangePassword();
  const form = useZodForm({ schema: changePasswordSchema, initial });

  const submit = form.handleSubmit((input) =>
    change.mutate(input, {
      onSuccess: () => {
        form.reset();
        toast.success(
          input.revokeOtherSessions ? "Password changed; other devices were signed out" : "Password changed",
        );
      },
      onError: form.showServerError,
    }),
  );

  return (
    <Card>
      <form onSubmit={submit} noValidate>
        <CardHeader>
          <CardTitle>Password</CardTitle>
          <CardDescription>At least 10 characters; common and easily guessed passwords are refused.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          <FormError message={form.errors.form} />
          <div className="grid gap-4 sm:grid-cols-2">
            <PasswordField label="Current password" autoComplete="current-password" {...form.bind("currentPassword")} />
            <PasswordField
              label="New password"
              autoComplete="new-password"
              showStrength
              email={user.email}
              {...form.bind("newPassword")}
            />
          </div>
          <Label className="font-normal">
            <Checkbox
              checked={form.values.revokeOtherSessions}
              onCheckedChange={(checked) => form.setField("revokeOtherSessions", checked === true)}
            />
            Sign out my other devices
          </Label>
        </CardContent>
        <CardFooter className="justify-end">
          <Button type="submit" size="sm" isLoading={change.isPending}>
            Change password
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

import { passwordSchema } from "@slipway/contracts";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { LinkIcon } from "lucide-react";
import { z } from "zod";
import { FormError } from "../../../components/form-field";
import { PasswordField } from "../../../components/password-field";
import { Button } from "../../../components/ui/button";
import { useResetPassword } from "../../../data/auth";
import { useZodForm } from "../../../lib/use-zod-form";
import { AuthCard, authLinkClasses } from "../auth-layout";

const route = getRouteApi("/_auth/reset-password");

const resetSchema = z
  .object({ newPassword: passwordSchema, confirmation: z.string() })
  .refine((v) => v.newPassword === v.confirmation, { message: "the passwords differ", path: ["confirmation"] });

export function ResetPasswordPage() {
  const { token, error } = route.useSearch();
  if (!token || error) {
    return (
      <AuthCard
        title="This link doesn't work"
        footer={
          <Link to="/sign-in" className={authLinkClasses}>
            Back to sign in
          </Link>
        }
      >
        <div className="flex flex-col items-center gap-4 text-center text-sm">
          <LinkIcon className="size-8 text-muted-foreground" />
          <p className="text-muted-foreground">
            Password reset links work once and expire after a while. Ask for a new one.
          </p>
          <Button asChild className="w-full">
            <Link to="/forgot-password">Send a new link</Link>
          </Button>
        </div>
      </AuthCard>
    );
  }
  return <ResetPasswordForm token={token} />;
}

function ResetPasswordForm({ token }: { token: string }) {
  const navigate = useNavigate();
  const reset = useResetPassword();
  const form = useZodForm({ schema: resetSchema, initial: { newPassword: "", confirmation: "" } });

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const input = form.validate();
    if (!input) return;
    reset.mutate(
      { token, newPassword: input.newPassword },
      {
        onSuccess: () => void navigate({ to: "/sign-in", search: { reset: "done" } }),
        onError: form.showServerError,
      },
    );
  }

  return (
    <AuthCard title="Choose a new password" description="You'll sign in with it from now on.">
      <form className="grid gap-4" onSubmit={submit} noValidate>
        <FormError message={form.errors.form} />
        <PasswordField
          label="New password"
          autoComplete="new-password"
          autoFocus
          showStrength
          value={form.values.newPassword}
          onChange={(value) => form.setField("newPassword", value)}
          error={form.errors.newPassword}
        />
        <PasswordField
          label="Confirm new password"
          autoComplete="new-password"
          value={form.values.confirmation}
          onChange={(value) => form.setField("confirmation", value)}
          error={form.errors.confirmation}
        />
        <Button type="submit" className="mt-2 w-full" isLoading={reset.isPending}>
          Set new password
        </Button>
      </form>
    </AuthCard>
  );
}

import { passwordSchema } from "@slipway/contracts";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { LinkIcon } from "lucide-react";
import { z } from "zod";
import { PasswordField } from "../../../components/password-field";
import { Button } from "../../../components/ui/button";
import { useResetPassword } from "../../../data/auth";
import { useZodForm } from "../../../lib/use-zod-form";
import { AuthCard, AuthForm, authLinkClasses } from "../auth-layout";

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

  const submit = form.handleSubmit((input) =>
    reset.mutate(
      { token, newPassword: input.newPassword },
      {
        onSuccess: () => void navigate({ to: "/sign-in", search: { reset: "done" } }),
        onError: form.showServerError,
      },
    ),
  );

  return (
    <AuthCard title="Choose a new password" description="You'll sign in with it from now on.">
      <AuthForm
        onSubmit={submit}
        error={form.errors.form}
        submitLabel="Set new password"
        isSubmitting={reset.isPending}
      >
        <PasswordField
          label="New password"
          autoComplete="new-password"
          autoFocus
          showStrength
          {...form.bind("newPassword")}
        />
        <PasswordField label="Confirm new password" autoComplete="new-password" {...form.bind("confirmation")} />
      </AuthForm>
    </AuthCard>
  );
}

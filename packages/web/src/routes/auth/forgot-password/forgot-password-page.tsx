import { Link } from "@tanstack/react-router";
import { MailCheck } from "lucide-react";
import { z } from "zod";
import { TextField } from "../../../components/form-field";
import { useRequestPasswordReset } from "../../../data/auth";
import { useSetupState } from "../../../data/system";
import { useZodForm } from "../../../lib/use-zod-form";
import { AuthCard, AuthForm, authLinkClasses } from "../auth-layout";

const forgotSchema = z.object({ email: z.email("enter your email address") });

export function ForgotPasswordPage() {
  const request = useRequestPasswordReset();
  const setup = useSetupState();
  const form = useZodForm({ schema: forgotSchema, initial: { email: "" } });

  const submit = form.handleSubmit((input) => request.mutate(input.email, { onError: form.showServerError }));

  const backToSignIn = (
    <Link to="/sign-in" className={authLinkClasses}>
      Back to sign in
    </Link>
  );

  if (request.isSuccess) {
    return (
      <AuthCard title="Check your email" footer={backToSignIn}>
        <div className="flex flex-col items-center gap-3 text-center text-sm">
          <MailCheck className="size-8 text-muted-foreground" />
          <p>
            If an account exists for <span className="font-medium">{form.values.email}</span>, it will get a link to
            choose a new password. The link works once and expires soon.
          </p>
          {setup.data?.mailDelivery === "outbox" ? (
            <p className="text-muted-foreground">
              This instance has no mail server configured; the instance owner can read the message in the mail outbox.
            </p>
          ) : null}
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Reset your password"
      description="Enter the email you signed up with and we'll send you a link."
      footer={backToSignIn}
    >
      <AuthForm
        onSubmit={submit}
        error={form.errors.form}
        submitLabel="Send reset link"
        isSubmitting={request.isPending}
      >
        <TextField label="Email" type="email" autoComplete="email" autoFocus {...form.bind("email")} />
      </AuthForm>
    </AuthCard>
  );
}

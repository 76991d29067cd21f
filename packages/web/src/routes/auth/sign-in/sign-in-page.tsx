import { getRouteApi, Link } from "@tanstack/react-router";
import { CircleCheck } from "lucide-react";
import { z } from "zod";
import { TextField } from "../../../components/form-field";
import { PasswordField } from "../../../components/password-field";
import { useSignIn } from "../../../data/auth";
import { useZodForm } from "../../../lib/use-zod-form";
import { AuthCard, AuthForm, authLinkClasses, useContinueTo } from "../auth-layout";

const route = getRouteApi("/_auth/sign-in");

const signInSchema = z.object({
  email: z.email("enter your email address"),
  password: z.string().min(1, "enter your password"),
});

export function SignInPage() {
  const search = route.useSearch();
  const continueOn = useContinueTo(search.redirect);
  const signIn = useSignIn();
  const form = useZodForm({ schema: signInSchema, initial: { email: "", password: "" } });

  const submit = form.handleSubmit((input) =>
    signIn.mutate(input, {
      onSuccess: continueOn,
      onError: form.showServerError,
    }),
  );

  return (
    <AuthCard
      title="Sign in to Slipway"
      description="Welcome back."
      footer={
        <>
          No account yet?{" "}
          <Link to="/sign-up" search={{ redirect: search.redirect }} className={authLinkClasses}>
            Create one
          </Link>
        </>
      }
    >
      {search.reset === "done" ? (
        <p className="mb-4 flex items-center gap-2 rounded-md border bg-muted/50 px-3 py-2 text-sm">
          <CircleCheck className="size-4 shrink-0 text-success" />
          Your password was changed. Sign in with the new one.
        </p>
      ) : null}
      <AuthForm onSubmit={submit} error={form.errors.form} submitLabel="Sign in" isSubmitting={signIn.isPending}>
        <TextField label="Email" type="email" autoComplete="email" autoFocus {...form.bind("email")} />
        <PasswordField
          label="Password"
          autoComplete="current-password"
          {...form.bind("password")}
          labelAside={
            <Link to="/forgot-password" className="text-muted-foreground text-xs underline-offset-4 hover:underline">
              Forgot password?
            </Link>
          }
        />
      </AuthForm>
    </AuthCard>
  );
}

import { passwordSchema, updateProfileSchema } from "@slipway/contracts";
import { getRouteApi, Link } from "@tanstack/react-router";
import { Crown } from "lucide-react";
import { z } from "zod";
import { TextField } from "../../../components/form-field";
import { PasswordField } from "../../../components/password-field";
import { useSignUp } from "../../../data/auth";
import { useSetupState } from "../../../data/system";
import { useZodForm } from "../../../lib/use-zod-form";
import { AuthCard, AuthForm, authLinkClasses, useContinueTo } from "../auth-layout";

const route = getRouteApi("/_auth/sign-up");

const signUpSchema = z.object({
  name: updateProfileSchema.shape.name,
  email: z.email("enter a valid email address").max(254),
  password: passwordSchema,
});

export function SignUpPage() {
  const search = route.useSearch();
  const continueOn = useContinueTo(search.redirect);
  const setup = useSetupState();
  const signUp = useSignUp();
  const form = useZodForm({ schema: signUpSchema, initial: { name: "", email: "", password: "" } });
  const isFirstAccount = setup.data?.hasOwner === false;

  const submit = form.handleSubmit((input) =>
    signUp.mutate(input, {
      onSuccess: continueOn,
      onError: form.showServerError,
    }),
  );

  return (
    <AuthCard
      title="Create your account"
      description="Deploy and run your apps on your own machines."
      footer={
        <>
          Already have an account?{" "}
          <Link to="/sign-in" search={{ redirect: search.redirect }} className={authLinkClasses}>
            Sign in
          </Link>
        </>
      }
    >
      {isFirstAccount ? (
        <div className="mb-5 flex gap-3 rounded-lg border bg-muted/50 p-3 text-sm" data-testid="owner-note">
          <Crown className="mt-0.5 size-4 shrink-0 text-warning" />
          <p>
            <span className="font-medium">The first account becomes the owner of this Slipway instance.</span>{" "}
            <span className="text-muted-foreground">It can read the instance's mail outbox and manage it.</span>
          </p>
        </div>
      ) : null}
      <AuthForm onSubmit={submit} error={form.errors.form} submitLabel="Create account" isSubmitting={signUp.isPending}>
        <TextField label="Name" autoComplete="name" autoFocus {...form.bind("name")} />
        <TextField label="Email" type="email" autoComplete="email" {...form.bind("email")} />
        <PasswordField
          label="Password"
          autoComplete="new-password"
          showStrength
          email={form.values.email}
          {...form.bind("password")}
        />
      </AuthForm>
    </AuthCard>
  );
}

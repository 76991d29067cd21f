import { passwordSchema, updateProfileSchema } from "@slipway/contracts";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { Crown } from "lucide-react";
import { z } from "zod";
import { FormError, FormField } from "../../../components/form-field";
import { PasswordField } from "../../../components/password-field";
import { Button } from "../../../components/ui/button";
import { Input } from "../../../components/ui/input";
import { useSignUp } from "../../../data/auth";
import { useSetupState } from "../../../data/system";
import { useZodForm } from "../../../lib/use-zod-form";
import { AuthCard, authLinkClasses } from "../auth-layout";

const route = getRouteApi("/_auth/sign-up");

const signUpSchema = z.object({
  name: updateProfileSchema.shape.name,
  email: z.email("enter a valid email address").max(254),
  password: passwordSchema,
});

export function SignUpPage() {
  const search = route.useSearch();
  const navigate = useNavigate();
  const setup = useSetupState();
  const signUp = useSignUp();
  const form = useZodForm({ schema: signUpSchema, initial: { name: "", email: "", password: "" } });
  const isFirstAccount = setup.data?.hasOwner === false;

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const input = form.validate();
    if (!input) return;
    signUp.mutate(input, {
      // `redirect` is a whole same-origin href (path and query), not a route id.
      onSuccess: () => void navigate({ href: search.redirect ?? "/" }),
      onError: form.showServerError,
    });
  }

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
      <form className="grid gap-4" onSubmit={submit} noValidate>
        <FormError message={form.errors.form} />
        <FormField label="Name" error={form.errors.name}>
          {(control) => (
            <Input
              {...control}
              autoComplete="name"
              autoFocus
              value={form.values.name}
              onChange={(event) => form.setField("name", event.target.value)}
            />
          )}
        </FormField>
        <FormField label="Email" error={form.errors.email}>
          {(control) => (
            <Input
              {...control}
              type="email"
              autoComplete="email"
              value={form.values.email}
              onChange={(event) => form.setField("email", event.target.value)}
            />
          )}
        </FormField>
        <PasswordField
          label="Password"
          autoComplete="new-password"
          showStrength
          email={form.values.email}
          value={form.values.password}
          onChange={(value) => form.setField("password", value)}
          error={form.errors.password}
        />
        <Button type="submit" className="mt-2 w-full" isLoading={signUp.isPending}>
          Create account
        </Button>
      </form>
    </AuthCard>
  );
}

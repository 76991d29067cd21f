import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { CircleCheck } from "lucide-react";
import { z } from "zod";
import { FormError, FormField } from "../../../components/form-field";
import { PasswordField } from "../../../components/password-field";
import { Button } from "../../../components/ui/button";
import { Input } from "../../../components/ui/input";
import { useSignIn } from "../../../data/auth";
import { useZodForm } from "../../../lib/use-zod-form";
import { AuthCard, authLinkClasses } from "../auth-layout";

const route = getRouteApi("/_auth/sign-in");

const signInSchema = z.object({
  email: z.email("enter your email address"),
  password: z.string().min(1, "enter your password"),
});

export function SignInPage() {
  const search = route.useSearch();
  const navigate = useNavigate();
  const signIn = useSignIn();
  const form = useZodForm({ schema: signInSchema, initial: { email: "", password: "" } });

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const input = form.validate();
    if (!input) return;
    signIn.mutate(input, {
      // `redirect` is a whole same-origin href (path and query), not a route id.
      onSuccess: () => void navigate({ href: search.redirect ?? "/" }),
      onError: form.showServerError,
    });
  }

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
      <form className="grid gap-4" onSubmit={submit} noValidate>
        <FormError message={form.errors.form} />
        <FormField label="Email" error={form.errors.email}>
          {(control) => (
            <Input
              {...control}
              type="email"
              autoComplete="email"
              autoFocus
              value={form.values.email}
              onChange={(event) => form.setField("email", event.target.value)}
            />
          )}
        </FormField>
        <PasswordField
          label="Password"
          autoComplete="current-password"
          value={form.values.password}
          onChange={(value) => form.setField("password", value)}
          error={form.errors.password}
          labelAside={
            <Link to="/forgot-password" className="text-muted-foreground text-xs underline-offset-4 hover:underline">
              Forgot password?
            </Link>
          }
        />
        <Button type="submit" className="mt-2 w-full" isLoading={signIn.isPending}>
          Sign in
        </Button>
      </form>
    </AuthCard>
  );
}

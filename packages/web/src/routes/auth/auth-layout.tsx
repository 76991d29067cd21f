import { Outlet, useNavigate } from "@tanstack/react-router";
import type { FormEvent, ReactNode } from "react";
import { Form } from "../../components/form-field";
import { Button } from "../../components/ui/button";
import { Wordmark } from "../../components/wordmark";

/** The signed-out pages: one centred card under the wordmark. */
export function AuthLayout() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center bg-muted/30 px-4 py-10">
      <div className="flex w-full max-w-sm flex-col items-center gap-8">
        <Wordmark className="text-xl" />
        <Outlet />
      </div>
    </main>
  );
}

export function AuthCard({
  title,
  description,
  children,
  footer,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <div className="w-full">
      <section className="rounded-xl border bg-card p-6 shadow-sm sm:p-8">
        <div className="mb-6 space-y-1.5 text-center">
          <h1 className="font-semibold text-xl tracking-tight">{title}</h1>
          {description ? <p className="text-muted-foreground text-sm">{description}</p> : null}
        </div>
        {children}
      </section>
      {footer ? <p className="mt-6 text-center text-muted-foreground text-sm">{footer}</p> : null}
    </div>
  );
}

export const authLinkClasses = "font-medium text-foreground underline-offset-4 hover:underline";

/** The form on an auth card: its fields, then one full-width submit button. */
export function AuthForm({
  onSubmit,
  error,
  submitLabel,
  isSubmitting,
  children,
}: {
  onSubmit: (event: FormEvent) => void;
  error: string | undefined;
  submitLabel: string;
  isSubmitting: boolean;
  children: ReactNode;
}) {
  return (
    <Form onSubmit={onSubmit} error={error}>
      {children}
      <Button type="submit" className="mt-2 w-full" isLoading={isSubmitting}>
        {submitLabel}
      </Button>
    </Form>
  );
}

/**
 * Where a signed-in person goes next: the `redirect` they arrived with (a whole same-origin
 * href, path and query, already checked by the route), or home.
 */
export function useContinueTo(redirect: string | undefined) {
  const navigate = useNavigate();
  return () => void navigate({ href: redirect ?? "/" });
}

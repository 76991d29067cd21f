import { type FormEvent, type ReactNode, useId } from "react";
import { cn } from "../lib/utils";
import { FormError } from "./form-field";
import { Button } from "./ui/button";
import { CardContent, CardFooter } from "./ui/card";

/**
 * The form of a settings card: its fields, then a footer with a hint and Save. Roles that may
 * not change the settings see the fields disabled and no Save.
 */
export function SettingsForm({
  onSubmit,
  error,
  hint,
  canSave,
  isDirty,
  isSaving,
  className,
  children,
}: {
  onSubmit: (event: FormEvent) => void;
  error: string | undefined;
  hint: ReactNode;
  canSave: boolean;
  isDirty: boolean;
  isSaving: boolean;
  className?: string;
  children: ReactNode;
}) {
  return (
    <form onSubmit={onSubmit} noValidate>
      <CardContent className={cn("grid gap-4", className)}>
        <FormError message={error} />
        {children}
      </CardContent>
      <CardFooter className="justify-between">
        <p className="text-muted-foreground">{canSave ? hint : "Your role can't change these."}</p>
        {canSave ? (
          <Button type="submit" size="sm" disabled={!isDirty} isLoading={isSaving}>
            Save
          </Button>
        ) : null}
      </CardFooter>
    </form>
  );
}

/**
 * A titled group of fields in a settings form that has several (resources, scaling, health);
 * `aside` sits by the title (a switch that turns the group on).
 */
export function SettingsGroup({
  title,
  aside,
  isCompact = false,
  children,
}: {
  title: string;
  aside?: ReactNode;
  /** Short fields (numbers with short labels) sit two abreast even on a phone. */
  isCompact?: boolean;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <fieldset className="grid min-w-0 gap-3" aria-labelledby={id}>
      <div className="flex min-h-5 items-center gap-3">
        <h3 id={id} className="font-medium text-muted-foreground text-xs uppercase tracking-wide">
          {title}
        </h3>
        {aside}
      </div>
      <div className={cn("grid gap-4 sm:grid-cols-2 lg:grid-cols-3", isCompact && "grid-cols-2")}>{children}</div>
    </fieldset>
  );
}

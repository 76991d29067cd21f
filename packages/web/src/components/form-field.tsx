import { type ComponentProps, type FormEvent, type ReactNode, useId } from "react";
import { cn } from "../lib/utils";
import { Input } from "./ui/input";
import { Label } from "./ui/label";

/**
 * A label, a control and its error or hint. The control is rendered by `children`, which
 * receives the ids to wire up so screen readers announce the error.
 */
export function FormField({
  label,
  error,
  hint,
  labelAside,
  className,
  children,
}: {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  labelAside?: ReactNode;
  className?: string;
  children: (control: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode;
}) {
  const id = useId();
  const messageId = `${id}-message`;
  const hasMessage = Boolean(error || hint);
  return (
    <div className={cn("grid content-start gap-2", className)}>
      <div className="flex items-center justify-between gap-2">
        <Label htmlFor={id}>{label}</Label>
        {labelAside}
      </div>
      {children({ id, "aria-invalid": Boolean(error), ...(hasMessage ? { "aria-describedby": messageId } : {}) })}
      {error ? (
        <p id={messageId} className="text-destructive text-xs">
          {error}
        </p>
      ) : hint ? (
        <div id={messageId} className="text-muted-foreground text-xs">
          {hint}
        </div>
      ) : null}
    </div>
  );
}

/** An error that belongs to the whole form rather than one field. */
export function FormError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p
      role="alert"
      className="rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2 text-destructive text-sm"
    >
      {message}
    </p>
  );
}

/** A text input with its label and error; `value`, `onChange` and `error` fit `form.bind(key)`. */
export function TextField({
  label,
  value,
  onChange,
  error,
  hint,
  labelAside,
  ...inputProps
}: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  labelAside?: ReactNode;
} & Omit<ComponentProps<"input">, "value" | "onChange" | "id">) {
  return (
    <FormField label={label} error={error} hint={hint} labelAside={labelAside}>
      {(control) => (
        <Input {...inputProps} {...control} value={value} onChange={(event) => onChange(event.target.value)} />
      )}
    </FormField>
  );
}

/**
 * A form the page checks itself (with the server's zod schema), so the browser's own
 * validation bubbles are off; an error about the whole form shows on top.
 */
export function Form({
  onSubmit,
  error,
  className,
  children,
}: {
  onSubmit: (event: FormEvent) => void;
  error: string | undefined;
  className?: string;
  children: ReactNode;
}) {
  return (
    <form className={cn("grid gap-4", className)} onSubmit={onSubmit} noValidate>
      <FormError message={error} />
      {children}
    </form>
  );
}

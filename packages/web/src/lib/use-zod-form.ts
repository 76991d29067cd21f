import { type FormEvent, useState } from "react";
import type { z } from "zod";
import { ApiError } from "./api";

type FieldErrors<V> = Partial<Record<keyof V | "form", string>>;

/**
 * Form state checked with the same zod schema the server uses. `prepare` turns the raw
 * field values into the schema's input (e.g. an empty optional field into `undefined`).
 */
export function useZodForm<V extends Record<string, unknown>, S extends z.ZodType>(options: {
  schema: S;
  initial: V;
  prepare?: (values: V) => unknown;
}) {
  const [values, setValues] = useState<V>(options.initial);
  const [errors, setErrors] = useState<FieldErrors<V>>({});

  function setField<K extends keyof V>(key: K, value: V[K]): void {
    setValues((current) => ({ ...current, [key]: value }));
    setErrors((current) => (current[key] ? { ...current, [key]: undefined } : current));
  }

  /** The parsed input, or null after showing what is wrong. */
  function validate(): z.output<S> | null {
    const result = options.schema.safeParse(options.prepare ? options.prepare(values) : values);
    if (result.success) {
      setErrors({});
      return result.data;
    }
    const next: FieldErrors<V> = {};
    for (const issue of result.error.issues) {
      const key = (issue.path[0] ?? "form") as keyof V | "form";
      if (next[key] === undefined) next[key] = issue.message;
    }
    setErrors(next);
    return null;
  }

  /** The form's `onSubmit`: checks the values and hands the parsed input on only when they pass. */
  function handleSubmit(onValid: (input: z.output<S>) => void) {
    return (event: FormEvent) => {
      event.preventDefault();
      const input = validate();
      if (input !== null) onValid(input);
    };
  }

  /** What a field component needs: its value, a setter and its error. */
  function bind<K extends keyof V>(key: K) {
    return { value: values[key], onChange: (value: V[K]) => setField(key, value), error: errors[key] };
  }

  /** Puts a server-side validation failure next to its fields; anything else goes on the form. */
  function showServerError(error: unknown): void {
    if (error instanceof ApiError) {
      const fields = error.fieldErrors;
      const known = Object.keys(fields).filter((key) => key in values);
      if (known.length > 0) {
        setErrors(Object.fromEntries(known.map((key) => [key, fields[key]])) as FieldErrors<V>);
        return;
      }
      setErrors({ form: error.message } as FieldErrors<V>);
      return;
    }
    setErrors({ form: error instanceof Error ? error.message : "Something went wrong" } as FieldErrors<V>);
  }

  /** Puts a message on one field (or the form) that the schema could not know, like "no such branch". */
  function setError(key: keyof V | "form", message: string): void {
    setErrors((current) => ({ ...current, [key]: message }));
  }

  function reset(next: V = options.initial): void {
    setValues(next);
    setErrors({});
  }

  /** Whether the values differ from `initial` (for settings forms: from what is saved). */
  const isDirty = JSON.stringify(values) !== JSON.stringify(options.initial);

  return { values, errors, isDirty, setField, handleSubmit, validate, bind, showServerError, setError, reset };
}

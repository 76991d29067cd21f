import type { ReactNode } from "react";
import { TextField } from "./form-field";

/** A number box's text as the schema's input: an empty box is not zero, so the schema can say a number is needed. */
export function numberOrUndefined(text: string): number | undefined {
  return text.trim() === "" ? undefined : Number(text);
}

/** A number typed into a text field (kept as text while editing); `value`, `onChange` and `error` fit `form.bind(key)`. */
export function NumberField({
  label,
  hint,
  step = "1",
  disabled = false,
  value,
  onChange,
  error,
}: {
  label: ReactNode;
  hint?: ReactNode;
  step?: string;
  disabled?: boolean;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
}) {
  return (
    <TextField
      label={label}
      hint={hint}
      type="number"
      inputMode={step.includes(".") ? "decimal" : "numeric"}
      step={step}
      className="tabular-nums"
      disabled={disabled}
      value={value}
      onChange={onChange}
      error={error}
    />
  );
}

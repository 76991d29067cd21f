import type { ReactNode } from "react";
import { FormField } from "./form-field";
import { Switch } from "./ui/switch";

/** An on/off setting with its label and hint (or error), lined up with the text fields beside it. */
export function SwitchField({
  label,
  hint,
  error,
  checked,
  onCheckedChange,
  disabled = false,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  checked: boolean;
  onCheckedChange: (checked: boolean) => void;
  disabled?: boolean;
}) {
  return (
    <FormField label={label} hint={hint} error={error}>
      {({ id, ...aria }) => (
        <div className="flex h-9 items-center">
          <Switch id={id} {...aria} checked={checked} onCheckedChange={onCheckedChange} disabled={disabled} />
        </div>
      )}
    </FormField>
  );
}

import type { PasswordVerdict } from "@slipway/contracts";
import { Eye, EyeOff } from "lucide-react";
import { type ComponentProps, useState } from "react";
import { usePasswordVerdict } from "../data/system";
import { useDebouncedValue } from "../lib/use-debounced-value";
import { cn } from "../lib/utils";
import { FormField } from "./form-field";
import { Input } from "./ui/input";

type PasswordFieldProps = {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  /** Shows the server's live strength verdict under the field (new passwords only). */
  showStrength?: boolean;
  /** Lets the strength check penalise passwords made of the email address. */
  email?: string | undefined;
  labelAside?: ComponentProps<typeof FormField>["labelAside"];
} & Pick<ComponentProps<"input">, "autoComplete" | "name" | "autoFocus">;

export function PasswordField({
  label,
  value,
  onChange,
  error,
  showStrength,
  email,
  labelAside,
  ...inputProps
}: PasswordFieldProps) {
  const [isVisible, setIsVisible] = useState(false);
  return (
    <FormField
      label={label}
      error={error}
      labelAside={labelAside}
      hint={showStrength && value ? <StrengthMeter password={value} email={email} /> : undefined}
    >
      {(control) => (
        <div className="relative">
          <Input
            {...control}
            {...inputProps}
            type={isVisible ? "text" : "password"}
            value={value}
            onChange={(event) => onChange(event.target.value)}
            className="pr-10"
          />
          <button
            type="button"
            onClick={() => setIsVisible((visible) => !visible)}
            aria-label={isVisible ? "Hide password" : "Show password"}
            className="absolute inset-y-0 right-0 flex w-9 cursor-pointer items-center justify-center rounded-r-md text-muted-foreground outline-none hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50"
          >
            {isVisible ? <EyeOff className="size-4" /> : <Eye className="size-4" />}
          </button>
        </div>
      )}
    </FormField>
  );
}

const levels = [
  { label: "Very weak", bar: "bg-destructive" },
  { label: "Weak", bar: "bg-destructive" },
  { label: "Fair", bar: "bg-warning" },
  { label: "Good", bar: "bg-success" },
  { label: "Strong", bar: "bg-success" },
] as const;

function StrengthMeter({ password, email }: { password: string; email?: string | undefined }) {
  const debounced = useDebouncedValue(password, 300);
  const { data: verdict, isError } = usePasswordVerdict(debounced, email || undefined);
  if (isError) return null;
  const isCurrent = verdict !== undefined && debounced === password;
  const level = verdict ? levels[verdict.score] : undefined;
  return (
    <div className="grid gap-1.5" aria-live="polite" data-testid="password-strength">
      <div className="grid grid-cols-4 gap-1">
        {[1, 2, 3, 4].map((step) => (
          <div
            key={step}
            className={cn(
              "h-1 rounded-full bg-muted transition-colors",
              verdict && Math.max(verdict.score, 1) >= step && level?.bar,
              !isCurrent && "opacity-60",
            )}
          />
        ))}
      </div>
      {verdict ? <VerdictText verdict={verdict} label={level?.label ?? ""} /> : <span>Checking…</span>}
    </div>
  );
}

function VerdictText({ verdict, label }: { verdict: PasswordVerdict; label: string }) {
  return (
    <span>
      <span className={cn("font-medium", verdict.isAcceptable ? "text-foreground" : "text-destructive")}>{label}</span>
      {verdict.warning ? ` · ${verdict.warning}` : verdict.isAcceptable ? "" : " · choose a stronger password"}
    </span>
  );
}

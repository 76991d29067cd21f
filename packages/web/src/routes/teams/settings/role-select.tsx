import { type BuiltInRole, builtInRoles, roleDescriptions } from "@slipway/contracts";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { capitalize } from "../../../lib/format";

export function RoleSelect({
  value,
  onChange,
  disabled,
  id,
  className,
  "aria-label": ariaLabel,
}: {
  value: BuiltInRole;
  onChange: (role: BuiltInRole) => void;
  disabled?: boolean;
  id?: string;
  className?: string;
  "aria-label"?: string;
}) {
  return (
    <Select value={value} onValueChange={(next) => onChange(next as BuiltInRole)} disabled={disabled ?? false}>
      <SelectTrigger id={id} className={className} aria-label={ariaLabel}>
        <SelectValue />
      </SelectTrigger>
      <SelectContent className="min-w-72">
        {builtInRoles.map((role) => (
          <SelectItem key={role} value={role} description={roleDescriptions[role]}>
            {capitalize(role)}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}

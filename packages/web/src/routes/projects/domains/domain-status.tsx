import type { DomainStatus } from "@slipway/contracts";
import { CircleAlert, CircleCheck, Clock } from "lucide-react";
import { Badge } from "../../../components/ui/badge";

const looks = {
  verified: { label: "Verified", variant: "success", icon: CircleCheck },
  pending: { label: "Pending", variant: "warning", icon: Clock },
  failed: { label: "Failed", variant: "destructive", icon: CircleAlert },
} as const;

export function DomainStatusBadge({ status }: { status: DomainStatus }) {
  const { label, variant, icon: Icon } = looks[status];
  return (
    <Badge variant={variant} data-testid="domain-status" data-status={status}>
      <Icon className="size-3" aria-hidden />
      {label}
    </Badge>
  );
}

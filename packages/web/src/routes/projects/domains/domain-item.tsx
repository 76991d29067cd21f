import type { Domain, Project, RoutingCheck } from "@slipway/contracts";
import {
  ArrowRight,
  CircleAlert,
  CircleCheck,
  CircleHelp,
  GitBranch,
  Lock,
  Pencil,
  RefreshCw,
  Rocket,
  Trash2,
} from "lucide-react";
import { toast } from "sonner";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { ExternalLink } from "../../../components/external-link";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { useRemoveDomain, useVerifyDomain } from "../../../data/domains";
import { formatDateTime, formatRelative } from "../../../lib/format";
import { toastError, withToasts } from "../../../lib/toast";
import { cn } from "../../../lib/utils";
import { useCurrentTeam } from "../../teams/team-layout";
import { DnsRecords } from "./dns-records";
import { DomainDialog } from "./domain-dialog";
import { DomainStatusBadge } from "./domain-status";
import { describeTarget } from "./domain-targets";

/** How long after adding a domain the server keeps checking its DNS on its own (the server's recheck window). */
const recheckWindowMs = 48 * 60 * 60_000;

/** One domain: its name and status, what it serves, the last DNS check and the records it needs. */
export function DomainItem({
  project,
  domain,
  domains,
  canManage,
}: {
  project: Project;
  domain: Domain;
  domains: Domain[];
  canManage: boolean;
}) {
  const isVerified = domain.status === "verified";
  return (
    <li className="grid gap-3 px-6 py-4" data-testid="domain" data-hostname={domain.hostname}>
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
        <div className="grid min-w-0 gap-1">
          <div className="flex min-w-0 flex-wrap items-center gap-2">
            {isVerified && !domain.isWildcard ? (
              <ExternalLink
                href={`${domain.httpsRedirect ? "https" : "http"}://${domain.hostname}`}
                className="min-w-0 break-all font-medium font-mono text-sm"
              >
                {domain.hostname}
              </ExternalLink>
            ) : (
              <span className="min-w-0 break-all font-medium font-mono text-sm">{domain.hostname}</span>
            )}
            <DomainStatusBadge status={domain.status} />
            {domain.httpsRedirect ? (
              <Badge variant="outline">
                <Lock className="size-3" aria-hidden />
                HTTPS only
              </Badge>
            ) : null}
          </div>
          <p className="flex items-center gap-1.5 text-muted-foreground text-xs" data-testid="domain-target">
            <TargetIcon domain={domain} />
            {describeTarget(domain)}
          </p>
        </div>
        {canManage ? (
          <div className="flex shrink-0 items-center gap-1">
            <VerifyButton project={project} domain={domain} />
            <DomainDialog
              project={project}
              domains={domains}
              domain={domain}
              trigger={
                <Button variant="ghost" size="icon-sm" aria-label={`Edit ${domain.hostname}`}>
                  <Pencil />
                </Button>
              }
            />
            <RemoveButton project={project} domain={domain} />
          </div>
        ) : null}
      </div>
      <LastCheck domain={domain} />
      <details className="group grid gap-2" open={!isVerified}>
        <summary className="w-fit cursor-pointer select-none text-muted-foreground text-xs hover:text-foreground">
          DNS records
        </summary>
        <div className="mt-2 grid gap-2">
          <p className="text-muted-foreground text-xs">
            Create these at your DNS provider. The TXT record proves the domain is yours; the{" "}
            {domain.isApex ? "A" : "CNAME"} record sends its visitors here.
          </p>
          <DnsRecords records={domain.records} />
        </div>
      </details>
    </li>
  );
}

function TargetIcon({ domain }: { domain: Domain }) {
  const Icon = domain.redirect ? ArrowRight : domain.branch ? GitBranch : Rocket;
  return <Icon className="size-3.5 shrink-0" aria-hidden />;
}

const routingLooks: Record<RoutingCheck["status"], { icon: typeof CircleCheck; className: string }> = {
  ok: { icon: CircleCheck, className: "text-success" },
  mismatch: { icon: CircleAlert, className: "text-warning" },
  missing: { icon: CircleAlert, className: "text-warning" },
  unknown: { icon: CircleHelp, className: "text-muted-foreground" },
};

/** What the last DNS check saw, word for word, and whether Slipway keeps checking on its own. */
function LastCheck({ domain }: { domain: Domain }) {
  const isRechecked =
    domain.status !== "verified" && Date.now() - new Date(domain.createdAt).getTime() < recheckWindowMs;
  const recheckNote = isRechecked ? "Slipway checks again every few minutes for 48 hours after adding." : null;
  if (domain.lastCheckedAt === null || domain.lastCheckResult === null) {
    return (
      <p className="text-muted-foreground text-xs">
        Not checked yet. Create the records below, then verify. {recheckNote}
      </p>
    );
  }
  const routing = domain.routing ? routingLooks[domain.routing.status] : null;
  const RoutingIcon = routing?.icon;
  return (
    <div className="grid gap-1.5 rounded-md bg-muted/50 px-3 py-2 text-xs" data-testid="domain-check">
      <p className="flex min-w-0 gap-1.5">
        {domain.status === "failed" ? (
          <CircleAlert className="mt-px size-3.5 shrink-0 text-destructive" aria-hidden />
        ) : (
          <CircleCheck
            className={cn(
              "mt-px size-3.5 shrink-0",
              domain.status === "verified" ? "text-success" : "text-muted-foreground",
            )}
            aria-hidden
          />
        )}
        <span className="min-w-0 break-words">
          <span className="text-muted-foreground" title={formatDateTime(domain.lastCheckedAt)}>
            Checked {formatRelative(domain.lastCheckedAt)}:{" "}
          </span>
          <span className="font-mono" data-testid="domain-check-result">
            {domain.lastCheckResult}
          </span>
        </span>
      </p>
      {domain.routing && routing && RoutingIcon ? (
        <p className="flex min-w-0 gap-1.5" data-testid="domain-routing" data-status={domain.routing.status}>
          <RoutingIcon className={cn("mt-px size-3.5 shrink-0", routing.className)} aria-hidden />
          <span className="min-w-0 break-words">
            <span className="text-muted-foreground">Routing: </span>
            <span className="font-mono">{domain.routing.message}</span>
          </span>
        </p>
      ) : null}
      {recheckNote ? <p className="text-muted-foreground">{recheckNote}</p> : null}
    </div>
  );
}

function VerifyButton({ project, domain }: { project: Project; domain: Domain }) {
  const { team } = useCurrentTeam();
  const verify = useVerifyDomain(team.id, project.id);
  const wasVerified = domain.status === "verified";
  function run() {
    verify.mutate(domain.id, {
      onSuccess: (checked) => {
        if (checked.status !== "verified")
          toast.error(`${checked.hostname} isn't verified yet`, { description: checked.lastCheckResult });
        else if (wasVerified) toast.success(`Checked ${checked.hostname}`);
        else toast.success(`${checked.hostname} is verified`);
      },
      onError: toastError(`Couldn't check ${domain.hostname}`),
    });
  }
  return (
    <Button
      variant={wasVerified ? "ghost" : "outline"}
      size="sm"
      isLoading={verify.isPending}
      onClick={run}
      aria-label={`${wasVerified ? "Check DNS of" : "Verify"} ${domain.hostname}`}
    >
      {verify.isPending ? null : <RefreshCw />}
      {wasVerified ? "Check DNS" : "Verify"}
    </Button>
  );
}

function RemoveButton({ project, domain }: { project: Project; domain: Domain }) {
  const { team } = useCurrentTeam();
  const remove = useRemoveDomain(team.id, project.id);
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="icon-sm" aria-label={`Remove ${domain.hostname}`}>
          <Trash2 />
        </Button>
      }
      title={`Remove ${domain.hostname}?`}
      description={
        domain.status === "verified"
          ? "The edge stops serving it right away. You can remove its DNS records afterwards."
          : "Its DNS records are no longer needed."
      }
      confirmLabel="Remove domain"
      onConfirm={() =>
        withToasts(remove.mutateAsync(domain), {
          success: `Removed ${domain.hostname}`,
          error: `Couldn't remove ${domain.hostname}`,
        })
      }
    />
  );
}

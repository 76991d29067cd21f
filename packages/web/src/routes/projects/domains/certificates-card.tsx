import type { AcmeStep, Certificate, CertificateStatus, Project } from "@slipway/contracts";
import {
  CircleAlert,
  CircleCheck,
  Clock,
  FileKey,
  Loader2,
  Lock,
  RefreshCw,
  ShieldCheck,
  ShieldPlus,
  Trash2,
  Upload,
} from "lucide-react";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { LoadMore } from "../../../components/load-more";
import { EmptyState, ErrorState } from "../../../components/states";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { useCertificates, useDeleteCertificate, useRenewCertificate } from "../../../data/certificates";
import { formatDate, formatDateTime } from "../../../lib/format";
import { flattenPages } from "../../../lib/pagination";
import { withToasts } from "../../../lib/toast";
import { cn } from "../../../lib/utils";
import { useCurrentTeam } from "../../teams/team-layout";
import { IssueCertificateDialog, UploadCertificateDialog } from "./certificate-dialogs";

const dayMs = 86_400_000;
/** From this many days before expiry the date shows in red (the expiry alert goes out then too). */
const warnWithinDays = 14;

const sourceLabels: Record<Certificate["source"], string> = {
  uploaded: "Uploaded",
  "self-signed": "Self-signed",
  acme: "Let's Encrypt",
};

const stepLabels: Record<AcmeStep, string> = {
  ordering: "Ordering",
  validating: "Validating over HTTP",
  finalizing: "Finalizing",
  downloading: "Downloading",
};

const statusLooks = {
  active: { label: "Active", variant: "success", icon: CircleCheck },
  pending: { label: "Pending", variant: "warning", icon: Clock },
  failed: { label: "Failed", variant: "destructive", icon: CircleAlert },
  expired: { label: "Expired", variant: "destructive", icon: CircleAlert },
} as const satisfies Record<CertificateStatus, unknown>;

/** The TLS certificates of the project: what the edge serves over HTTPS for its names. */
export function CertificatesCard({ project }: { project: Project }) {
  const { team, can } = useCurrentTeam();
  const certificates = useCertificates(team.id, project.id);
  const canManage = can("domains:manage");
  const items = flattenPages(certificates.data);
  const productionHost = new URL(project.productionUrl).hostname;

  const actions = canManage ? (
    <div className="flex flex-wrap gap-2">
      <UploadCertificateDialog
        project={project}
        trigger={
          <Button size="sm" variant="outline">
            <Upload />
            Upload
          </Button>
        }
      />
      <IssueCertificateDialog
        project={project}
        source="self-signed"
        suggested={[productionHost]}
        trigger={
          <Button size="sm" variant="outline">
            <FileKey />
            Issue self-signed
          </Button>
        }
      />
      <IssueCertificateDialog
        project={project}
        source="acme"
        suggested={[]}
        trigger={
          <Button size="sm">
            <ShieldPlus />
            Request Let's Encrypt certificate
          </Button>
        }
      />
    </div>
  ) : null;

  return (
    <Card>
      <CardHeader className="grid gap-4 pb-4">
        <div className="grid gap-1.5">
          <CardTitle>TLS certificates</CardTitle>
          <CardDescription>
            The edge answers HTTPS with the certificate whose names match the visitor's host, else with its own
            self-signed one for *.localhost-style names.
          </CardDescription>
        </div>
        {actions}
      </CardHeader>
      <div className="border-t">
        {certificates.isPending ? (
          <div className="grid gap-3 p-6" role="status" aria-label="Loading certificates">
            <Skeleton className="h-14" />
            <Skeleton className="h-14" />
          </div>
        ) : certificates.isError ? (
          <div className="p-6">
            <ErrorState error={certificates.error} onRetry={() => void certificates.refetch()} />
          </div>
        ) : items.length === 0 ? (
          <EmptyState
            icon={Lock}
            title="No certificates yet"
            description={
              canManage
                ? "Upload one you have, issue a self-signed one for local names, or get one from Let's Encrypt."
                : "Roles that manage domains can add certificates here."
            }
          />
        ) : (
          <>
            <ul className="divide-y" aria-label="Certificates">
              {items.map((certificate) => (
                <CertificateItem key={certificate.id} certificate={certificate} canManage={canManage} />
              ))}
            </ul>
            <LoadMore
              hasNextPage={certificates.hasNextPage}
              isFetchingNextPage={certificates.isFetchingNextPage}
              fetchNextPage={certificates.fetchNextPage}
            />
          </>
        )}
      </div>
    </Card>
  );
}

function StatusBadge({ certificate }: { certificate: Certificate }) {
  if (certificate.progress !== null) {
    return (
      <Badge variant="warning" data-testid="certificate-status" data-status="working">
        <Loader2 className="size-3 animate-spin" aria-hidden />
        {stepLabels[certificate.progress]}…
      </Badge>
    );
  }
  const { label, variant, icon: Icon } = statusLooks[certificate.status];
  return (
    <Badge variant={variant} data-testid="certificate-status" data-status={certificate.status}>
      <Icon className="size-3" aria-hidden />
      {label}
    </Badge>
  );
}

function Expiry({ notAfter }: { notAfter: string | null }) {
  if (!notAfter) return <span>Not issued yet</span>;
  const daysLeft = Math.floor((new Date(notAfter).getTime() - Date.now()) / dayMs);
  const isSoon = daysLeft <= warnWithinDays;
  const text =
    daysLeft < 0
      ? `Expired ${formatDate(notAfter)}`
      : `Expires ${formatDate(notAfter)} · ${daysLeft === 0 ? "today" : `in ${daysLeft} day${daysLeft === 1 ? "" : "s"}`}`;
  return (
    <span
      data-testid="certificate-expiry"
      data-soon={isSoon}
      title={formatDateTime(notAfter)}
      className={cn(isSoon && "font-medium text-destructive")}
    >
      {text}
    </span>
  );
}

function CertificateItem({ certificate, canManage }: { certificate: Certificate; canManage: boolean }) {
  const { team } = useCurrentTeam();
  const renew = useRenewCertificate(team.id);
  const remove = useDeleteCertificate(team.id);
  const names = certificate.hostnames.join(", ");
  const canRenew = certificate.source !== "uploaded" && certificate.progress === null;
  return (
    <li
      className="grid gap-2 px-6 py-4"
      data-testid="certificate"
      data-id={certificate.id}
      data-hostnames={certificate.hostnames.join(",")}
    >
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
        <div className="grid min-w-0 gap-1">
          <div className="flex min-w-0 flex-wrap items-center gap-2">
            <ShieldCheck className="size-4 shrink-0 text-muted-foreground" aria-hidden />
            <span className="min-w-0 break-all font-medium font-mono text-sm">{names}</span>
            <StatusBadge certificate={certificate} />
            <Badge variant="outline">{sourceLabels[certificate.source]}</Badge>
          </div>
          <p className="flex flex-wrap gap-x-3 gap-y-1 text-muted-foreground text-xs">
            <Expiry notAfter={certificate.notAfter} />
            {certificate.issuer ? <span className="break-all">Issued by {certificate.issuer}</span> : null}
          </p>
        </div>
        {canManage ? (
          <div className="flex shrink-0 items-center gap-1">
            {canRenew ? (
              <Button
                variant="ghost"
                size="sm"
                isLoading={renew.isPending}
                onClick={() =>
                  void withToasts(renew.mutateAsync(certificate.id), {
                    success: certificate.source === "acme" ? `Renewing ${names}` : `Renewed ${names}`,
                    error: `Couldn't renew ${names}`,
                  }).catch(() => undefined)
                }
              >
                <RefreshCw />
                Renew
              </Button>
            ) : null}
            <ConfirmDialog
              trigger={
                <Button variant="ghost" size="icon-sm" aria-label={`Delete the certificate for ${names}`}>
                  <Trash2 />
                </Button>
              }
              title="Delete this certificate?"
              description={`The edge stops serving it for ${names} at once; visitors get another matching certificate or the edge's default.`}
              confirmLabel="Delete certificate"
              onConfirm={() =>
                withToasts(remove.mutateAsync(certificate.id), {
                  success: `Deleted the certificate for ${names}`,
                  error: `Couldn't delete the certificate for ${names}`,
                })
              }
            />
          </div>
        ) : null}
      </div>
      {certificate.lastError ? (
        <p
          role="alert"
          data-testid="certificate-error"
          className="break-words rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2 text-destructive text-xs"
        >
          {certificate.lastError}
        </p>
      ) : null}
    </li>
  );
}

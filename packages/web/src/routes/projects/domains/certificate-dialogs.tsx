import { isLocalHostname, issueCertificateSchema, type Project, uploadCertificateSchema } from "@slipway/contracts";
import type { ReactNode } from "react";
import { toast } from "sonner";
import { DialogForm, FormDialog } from "../../../components/form-dialog";
import { FormField, TextField } from "../../../components/form-field";
import { Checkbox } from "../../../components/ui/checkbox";
import { Label } from "../../../components/ui/label";
import { useIssueCertificate, useUploadCertificate } from "../../../data/certificates";
import { ApiError } from "../../../lib/api";
import { useZodForm } from "../../../lib/use-zod-form";
import { cn } from "../../../lib/utils";
import { useCurrentTeam } from "../../teams/team-layout";

/** A PEM box: monospace, tall enough for a key, no spell checking. */
function PemField({
  label,
  hint,
  placeholder,
  value,
  onChange,
  error,
}: {
  label: string;
  hint?: ReactNode;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
}) {
  return (
    <FormField label={label} hint={hint} error={error}>
      {(control) => (
        <textarea
          {...control}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          rows={5}
          className={cn(
            "w-full min-w-0 resize-y rounded-md border border-input bg-transparent px-3 py-2 font-mono text-xs shadow-xs dark:bg-input/30",
            "placeholder:text-muted-foreground/70 outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50",
            "aria-invalid:border-destructive aria-invalid:ring-destructive/20",
          )}
        />
      )}
    </FormField>
  );
}

/** The server names the field a PEM problem is about (`details.field`); show it there. */
function fieldOf(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const field = (error.details as { field?: unknown } | null | undefined)?.field;
  return typeof field === "string" ? field : null;
}

export function UploadCertificateDialog({ project, trigger }: { project: Project; trigger: ReactNode }) {
  return (
    <FormDialog
      trigger={trigger}
      title="Upload a certificate"
      description="Paste the certificate, its chain and the private key, as PEM. The key is encrypted before it is stored."
      className="sm:max-w-2xl"
    >
      {(close) => <UploadForm project={project} onDone={close} />}
    </FormDialog>
  );
}

function UploadForm({ project, onDone }: { project: Project; onDone: () => void }) {
  const { team } = useCurrentTeam();
  const upload = useUploadCertificate(team.id);
  const form = useZodForm({
    schema: uploadCertificateSchema,
    initial: { certificate: "", chain: "", privateKey: "" },
    prepare: (values) => ({
      certificate: values.certificate,
      privateKey: values.privateKey,
      ...(values.chain.trim() ? { chain: values.chain } : {}),
      projectId: project.id,
    }),
  });
  const submit = form.handleSubmit((input) =>
    upload.mutate(input, {
      onSuccess: (created) => {
        toast.success(`Uploaded the certificate for ${created.hostnames.join(", ")}`);
        onDone();
      },
      onError: (error) => {
        const field = fieldOf(error);
        if (field === "certificate" || field === "chain" || field === "privateKey")
          form.setError(field, (error as Error).message);
        else form.showServerError(error);
      },
    }),
  );
  return (
    <DialogForm onSubmit={submit} error={form.errors.form} submitLabel="Upload" isSubmitting={upload.isPending}>
      <PemField
        label="Certificate"
        placeholder="-----BEGIN CERTIFICATE-----"
        hint="The leaf certificate; its chain may follow it here."
        {...form.bind("certificate")}
      />
      <PemField
        label="Chain (optional)"
        placeholder="-----BEGIN CERTIFICATE-----"
        hint="Intermediate certificates, the leaf's issuer first."
        {...form.bind("chain")}
      />
      <PemField
        label="Private key"
        placeholder="-----BEGIN PRIVATE KEY-----"
        hint="RSA (2048 bits or more) or EC P-256/P-384, without a passphrase."
        {...form.bind("privateKey")}
      />
    </DialogForm>
  );
}

const splitHostnames = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);

/** Issues a certificate: self-signed at once, or ordered from the ACME CA (Let's Encrypt). */
export function IssueCertificateDialog({
  project,
  source,
  suggested,
  trigger,
}: {
  project: Project;
  source: "self-signed" | "acme";
  suggested: string[];
  trigger: ReactNode;
}) {
  return (
    <FormDialog
      trigger={trigger}
      title={source === "acme" ? "Request a Let's Encrypt certificate" : "Issue a self-signed certificate"}
      description={
        source === "acme"
          ? "The CA checks each name over HTTP (port 80 must reach this edge), then issues. It renews 30 days before expiry."
          : "For local names like *.localhost, .test or .internal: browsers will warn, but HTTPS works at once."
      }
    >
      {(close) => <IssueForm project={project} source={source} suggested={suggested} onDone={close} />}
    </FormDialog>
  );
}

function IssueForm({
  project,
  source,
  suggested,
  onDone,
}: {
  project: Project;
  source: "self-signed" | "acme";
  suggested: string[];
  onDone: () => void;
}) {
  const { team } = useCurrentTeam();
  const issue = useIssueCertificate(team.id);
  const form = useZodForm({
    schema: issueCertificateSchema,
    initial: { hostnames: suggested.join(", "), allowAnyHostname: false },
    prepare: (values) => ({
      source,
      hostnames: splitHostnames(values.hostnames),
      projectId: project.id,
      ...(source === "self-signed" ? { allowAnyHostname: values.allowAnyHostname } : {}),
    }),
  });
  const hasPublicName = splitHostnames(form.values.hostnames).some((name) => !isLocalHostname(name));
  const submit = form.handleSubmit((input) =>
    issue.mutate(input, {
      onSuccess: (created) => {
        toast.success(
          source === "acme"
            ? `Ordering a certificate for ${created.hostnames.join(", ")}`
            : `Issued a self-signed certificate for ${created.hostnames.join(", ")}`,
        );
        onDone();
      },
      onError: form.showServerError,
    }),
  );
  return (
    <DialogForm
      onSubmit={submit}
      error={form.errors.form}
      submitLabel={source === "acme" ? "Request certificate" : "Issue certificate"}
      isSubmitting={issue.isPending}
    >
      <TextField
        label="Hostnames"
        placeholder={source === "acme" ? "www.example.com, example.com" : "shop.localhost, *.shop.localhost"}
        autoFocus
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        className="font-mono"
        hint="Separated by commas or spaces."
        {...form.bind("hostnames")}
      />
      {source === "self-signed" && hasPublicName ? (
        <div className="flex items-start gap-2">
          <Checkbox
            id="allow-any-hostname"
            checked={form.values.allowAnyHostname}
            onCheckedChange={(checked) => form.setField("allowAnyHostname", checked === true)}
          />
          <Label htmlFor="allow-any-hostname" className="grid cursor-pointer gap-1 font-normal leading-snug">
            Issue for public names too
            <span className="text-muted-foreground text-xs">
              Visitors' browsers will warn: use Let's Encrypt for names the public reaches.
            </span>
          </Label>
        </div>
      ) : null}
    </DialogForm>
  );
}

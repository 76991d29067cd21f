import {
  createDomainSchema,
  type Domain,
  type Project,
  type RedirectStatus,
  redirectStatuses,
  redirectStatusLabels,
  updateDomainSchema,
} from "@slipway/contracts";
import type { ReactNode } from "react";
import { toast } from "sonner";
import { DialogForm, FormDialog } from "../../../components/form-dialog";
import { FormField, TextField } from "../../../components/form-field";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { Switch } from "../../../components/ui/switch";
import { useAddDomain, useUpdateDomain } from "../../../data/domains";
import { useZodForm } from "../../../lib/use-zod-form";
import { useCurrentTeam } from "../../teams/team-layout";
import { redirectTargetsFor } from "./domain-targets";

type TargetKind = "production" | "branch" | "redirect";
type Values = {
  hostname: string;
  target: TargetKind;
  branch: string;
  redirect: { to: string; status: RedirectStatus };
  httpsRedirect: boolean;
};

const targetLabels: Record<TargetKind, string> = {
  production: "Production",
  branch: "A branch's latest deployment",
  redirect: "Redirect to another domain",
};

function valuesOf(domain: Domain | undefined, project: Project): Values {
  return {
    hostname: domain?.hostname ?? "",
    target: domain?.redirect ? "redirect" : domain?.branch ? "branch" : "production",
    branch: domain?.branch ?? project.productionBranch,
    redirect: domain?.redirect ?? { to: "", status: 308 },
    httpsRedirect: domain?.httpsRedirect ?? false,
  };
}

/** What the form's target fields send: exactly one of branch and redirect, or neither (production). */
function targetOf(values: Values) {
  return {
    branch: values.target === "branch" ? values.branch.trim() : null,
    redirect: values.target === "redirect" ? values.redirect : null,
  };
}

/** Adds a domain, or with `domain` changes what it serves (its name stays). */
export function DomainDialog({
  project,
  domains,
  domain,
  trigger,
}: {
  project: Project;
  domains: Domain[];
  domain?: Domain;
  trigger: ReactNode;
}) {
  return (
    <FormDialog
      trigger={trigger}
      title={domain ? `Edit ${domain.hostname}` : "Add a domain"}
      description={
        domain
          ? "Change what the domain serves. Its DNS records stay the same."
          : "After adding it, create the DNS records it shows, then verify."
      }
    >
      {(close) =>
        domain ? (
          <EditForm project={project} domains={domains} domain={domain} onDone={close} />
        ) : (
          <AddForm project={project} domains={domains} onDone={close} />
        )
      }
    </FormDialog>
  );
}

function AddForm({ project, domains, onDone }: { project: Project; domains: Domain[]; onDone: () => void }) {
  const { team } = useCurrentTeam();
  const add = useAddDomain(team.id, project.id);
  const form = useZodForm({
    schema: createDomainSchema,
    initial: valuesOf(undefined, project),
    prepare: (values) => ({ hostname: values.hostname, ...targetOf(values), httpsRedirect: values.httpsRedirect }),
  });
  const submit = form.handleSubmit((input) =>
    add.mutate(input, {
      onSuccess: (created) => {
        toast.success(`Added ${created.hostname}`, { description: "Create its DNS records, then verify." });
        onDone();
      },
      onError: form.showServerError,
    }),
  );
  return (
    <DialogForm onSubmit={submit} error={form.errors.form} submitLabel="Add domain" isSubmitting={add.isPending}>
      <TextField
        label="Domain"
        placeholder="www.example.com"
        autoFocus
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        className="font-mono"
        hint="A subdomain, an apex like example.com, or a wildcard like *.example.com."
        {...form.bind("hostname")}
      />
      <TargetFields form={form} project={project} domains={domains} />
    </DialogForm>
  );
}

function EditForm({
  project,
  domains,
  domain,
  onDone,
}: {
  project: Project;
  domains: Domain[];
  domain: Domain;
  onDone: () => void;
}) {
  const { team } = useCurrentTeam();
  const update = useUpdateDomain(team.id, project.id);
  const form = useZodForm({
    schema: updateDomainSchema,
    initial: valuesOf(domain, project),
    // Only what changed goes to the server.
    prepare: (values) => {
      const target = targetOf(values);
      const isRetargeted =
        target.branch !== domain.branch || JSON.stringify(target.redirect) !== JSON.stringify(domain.redirect);
      return {
        ...(isRetargeted ? target : {}),
        ...(values.httpsRedirect !== domain.httpsRedirect ? { httpsRedirect: values.httpsRedirect } : {}),
      };
    },
  });
  const submit = form.handleSubmit((change) =>
    update.mutate(
      { domainId: domain.id, change },
      {
        onSuccess: () => {
          toast.success(`Saved ${domain.hostname}`);
          onDone();
        },
        onError: form.showServerError,
      },
    ),
  );
  return (
    <DialogForm onSubmit={submit} error={form.errors.form} submitLabel="Save" isSubmitting={update.isPending}>
      <TargetFields form={form} project={project} domains={domains} />
    </DialogForm>
  );
}

type TargetForm = {
  values: Values;
  errors: Partial<Record<keyof Values | "form", string>>;
  setField: <K extends keyof Values>(key: K, value: Values[K]) => void;
  bind: (key: "branch") => { value: string; onChange: (value: string) => void; error: string | undefined };
};

/** What the domain serves and the https switch, shared by add and edit. */
function TargetFields({ form, project, domains }: { form: TargetForm; project: Project; domains: Domain[] }) {
  const { values } = form;
  const redirectTargets = redirectTargetsFor(project, domains, values.hostname.trim().toLowerCase());

  function chooseTarget(target: TargetKind) {
    form.setField("target", target);
    if (target === "redirect" && !redirectTargets.includes(values.redirect.to)) {
      // www.example.com most likely goes to example.com.
      const apex = values.hostname
        .trim()
        .toLowerCase()
        .replace(/^www\./, "");
      const to = redirectTargets.includes(apex) ? apex : (redirectTargets[0] ?? "");
      form.setField("redirect", { ...values.redirect, to });
    }
  }

  return (
    <>
      <FormField label="Serves">
        {({ id }) => (
          <Select value={values.target} onValueChange={(value) => chooseTarget(value as TargetKind)}>
            <SelectTrigger id={id}>
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {(Object.keys(targetLabels) as TargetKind[]).map((target) => (
                <SelectItem key={target} value={target}>
                  {targetLabels[target]}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        )}
      </FormField>
      {values.target === "branch" ? (
        <TextField
          label="Branch"
          autoComplete="off"
          spellCheck={false}
          className="font-mono"
          hint="The newest deployment built from this branch answers; nothing does until one exists."
          {...form.bind("branch")}
        />
      ) : null}
      {values.target === "redirect" ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField label="Redirect to" error={form.errors.redirect} className="min-w-0">
            {({ id, ...control }) => (
              <Select
                value={values.redirect.to}
                onValueChange={(to) => form.setField("redirect", { ...values.redirect, to })}
              >
                <SelectTrigger id={id} {...control}>
                  <SelectValue placeholder="Pick a domain" />
                </SelectTrigger>
                <SelectContent>
                  {redirectTargets.map((host) => (
                    <SelectItem key={host} value={host}>
                      {host}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            )}
          </FormField>
          <FormField label="Status" className="min-w-0">
            {({ id }) => (
              <Select
                value={String(values.redirect.status)}
                onValueChange={(status) =>
                  form.setField("redirect", { ...values.redirect, status: Number(status) as RedirectStatus })
                }
              >
                <SelectTrigger id={id}>
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {redirectStatuses.map((status) => (
                    <SelectItem key={status} value={String(status)}>
                      {redirectStatusLabels[status]}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            )}
          </FormField>
        </div>
      ) : null}
      <FormField
        label="Redirect HTTP to HTTPS"
        hint="Once the domain has a certificate, visitors on plain http are sent to https."
      >
        {(control) => (
          <div className="flex h-6 items-center">
            <Switch
              {...control}
              checked={values.httpsRedirect}
              onCheckedChange={(checked) => form.setField("httpsRedirect", checked)}
            />
          </div>
        )}
      </FormField>
    </>
  );
}

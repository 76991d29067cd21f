import { z } from "zod";

/** A project holds at most this many custom domains, so the list needs no paging. */
export const maxDomainsPerProject = 50;

const labelPattern = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Why `hostname` (already trimmed and lower-cased) is not a domain Slipway can serve, or null.
 * A wildcard is `*.` in front of a name of at least two labels: `*.example.com`.
 */
export function hostnameProblem(hostname: string, options: { allowWildcard?: boolean } = {}): string | null {
  if (hostname.length === 0) return "enter a domain, like www.example.com";
  if (hostname.length > 253) return "at most 253 characters";
  if (/\s/.test(hostname)) return "no spaces";
  if (/^[a-z]+:\/\//.test(hostname) || hostname.includes("/")) return "only the domain, without https:// or a path";
  if (hostname.includes(":")) return "only the domain, without a port";
  if (/[^\x21-\x7e]/.test(hostname)) return "use the punycode form (xn--…) of an international name";
  if (hostname.includes("_")) return "no underscores";
  const isWildcard = hostname.startsWith("*.");
  if (isWildcard && options.allowWildcard === false) return "a wildcard domain can't be used here";
  const labels = (isWildcard ? hostname.slice(2) : hostname).split(".");
  if (labels.length < 2)
    return isWildcard
      ? "a wildcard needs a domain under it, like *.example.com"
      : "a domain needs at least two labels, like example.com";
  for (const [index, label] of labels.entries()) {
    if (label === "") return index === labels.length - 1 ? "no dot at the end" : "no empty label (two dots in a row)";
    if (label.length > 63) return `"${label.slice(0, 20)}…" is longer than 63 characters`;
    if (label.includes("*")) return "a wildcard is only allowed as the whole first label: *.example.com";
    if (!labelPattern.test(label)) return `"${label}" may hold letters, digits and dashes, not at either end`;
  }
  if (/^\d+$/.test(labels.at(-1) ?? "")) return "a domain name, not an IP address";
  return null;
}

const hostnameInput = z.string().trim().toLowerCase().max(300);

/** A domain someone owns: lower-cased, checked label by label; `*.example.com` allowed. */
export const hostnameSchema = hostnameInput.superRefine((value, ctx) => {
  const problem = hostnameProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Where a redirect may point: one exact host, never a wildcard. */
export const redirectHostSchema = hostnameInput.superRefine((value, ctx) => {
  const problem = hostnameProblem(value, { allowWildcard: false });
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const redirectStatuses = [301, 302, 307, 308] as const;
export type RedirectStatus = (typeof redirectStatuses)[number];
export const redirectStatusSchema = z.literal(redirectStatuses);

export const redirectStatusLabels: Record<RedirectStatus, string> = {
  301: "301 Moved Permanently",
  302: "302 Found",
  307: "307 Temporary Redirect",
  308: "308 Permanent Redirect",
};

export const domainRedirectSchema = z.strictObject({
  /** Another domain of the same project, or the project's production host. */
  to: redirectHostSchema,
  status: redirectStatusSchema.default(308),
});
export type DomainRedirect = z.infer<typeof domainRedirectSchema>;

const branchNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[^\s~^:?*[\\]+$/, "not a valid branch name");

const hasOneTarget = (value: { branch?: string | null | undefined; redirect?: DomainRedirect | null | undefined }) =>
  !(value.branch && value.redirect);
const oneTargetMessage = { message: "a domain serves a branch or redirects, not both", path: ["redirect"] };

export const createDomainSchema = z
  .strictObject({
    hostname: hostnameSchema,
    /** Serve the newest deployment of this branch; null serves production. */
    branch: branchNameSchema.nullable().default(null),
    /** Answer every request with a redirect to another host instead of serving a deployment. */
    redirect: domainRedirectSchema.nullable().default(null),
    /** Send plain-http visitors to https (once the domain has a certificate). */
    httpsRedirect: z.boolean().default(false),
  })
  .refine(hasOneTarget, oneTargetMessage);
export type CreateDomainInput = z.infer<typeof createDomainSchema>;

/** Setting `branch` or `redirect` switches the target: the one not given becomes null. */
export const updateDomainSchema = z
  .strictObject({
    branch: branchNameSchema.nullable().optional(),
    redirect: domainRedirectSchema.nullable().optional(),
    httpsRedirect: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "nothing to change")
  .refine(hasOneTarget, oneTargetMessage);
export type UpdateDomainInput = z.infer<typeof updateDomainSchema>;

export const domainStatuses = ["pending", "verified", "failed"] as const;
export const domainStatusSchema = z.enum(domainStatuses);
export type DomainStatus = z.infer<typeof domainStatusSchema>;

/** One record the domain's owner creates at their DNS provider. */
export const dnsRecordSchema = z.object({
  type: z.enum(["TXT", "A", "CNAME"]),
  /** The full name, e.g. `_slipway-challenge.example.com`. */
  name: z.string(),
  /** Null when this server does not know it (the A record without SLIPWAY_PUBLIC_IP); `hint` says what goes there. */
  value: z.string().nullable(),
  /** verification proves ownership; routing sends visitors here. */
  purpose: z.enum(["verification", "routing"]),
  hint: z.string().nullable(),
});
export type DnsRecord = z.infer<typeof dnsRecordSchema>;

/** Whether the routing record points here. Informational: verification needs only the TXT record. */
export const routingCheckSchema = z.object({
  status: z.enum(["ok", "mismatch", "missing", "unknown"]),
  message: z.string(),
});
export type RoutingCheck = z.infer<typeof routingCheckSchema>;

export const domainSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  hostname: z.string(),
  /** Two labels (`example.com`): routed with an A record, since an apex can't hold a CNAME. */
  isApex: z.boolean(),
  isWildcard: z.boolean(),
  branch: z.string().nullable(),
  redirect: z.object({ to: z.string(), status: redirectStatusSchema }).nullable(),
  httpsRedirect: z.boolean(),
  /** pending: not checked yet; failed: the last check found no proof; verified: served (stays so). */
  status: domainStatusSchema,
  records: z.array(dnsRecordSchema),
  lastCheckedAt: z.iso.datetime().nullable(),
  /** What the last check saw, as shown: `found TXT values: "…"`, `no TXT record (NXDOMAIN)`. */
  lastCheckResult: z.string().nullable(),
  routing: routingCheckSchema.nullable(),
  verifiedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Domain = z.infer<typeof domainSchema>;

import { z } from "zod";

export const certificateSources = ["uploaded", "self-signed", "acme"] as const;
export const certificateSourceSchema = z.enum(certificateSources);
export type CertificateSource = z.infer<typeof certificateSourceSchema>;

/**
 * `pending`: an ACME order is on its way, nothing served yet. `active`: served. `failed`: the
 * last issuance or renewal failed (`lastError` says why); a certificate it was renewing is
 * still served until it expires. `expired`: past `notAfter`.
 */
export const certificateStatuses = ["pending", "active", "failed", "expired"] as const;
export const certificateStatusSchema = z.enum(certificateStatuses);
export type CertificateStatus = z.infer<typeof certificateStatusSchema>;

/** Where an ACME order is, while one runs. */
export const acmeSteps = ["ordering", "validating", "finalizing", "downloading"] as const;
export const acmeStepSchema = z.enum(acmeSteps);
export type AcmeStep = z.infer<typeof acmeStepSchema>;

/** Days before `notAfter` at which a `certificate.expiring` event goes out, once each. */
export const certificateExpiryAlertDays = [14, 7, 1] as const;

export const certificateSchema = z.object({
  id: z.string(),
  projectId: z.string().nullable(),
  /** The names it covers: the certificate's SANs (or the names asked for while pending). */
  hostnames: z.array(z.string()),
  source: certificateSourceSchema,
  status: certificateStatusSchema,
  /** The step of the ACME order under way, or null. */
  progress: acmeStepSchema.nullable(),
  issuer: z.string().nullable(),
  /** SHA-256 of the leaf certificate, colon-separated hex. */
  fingerprint: z.string().nullable(),
  notBefore: z.iso.datetime().nullable(),
  notAfter: z.iso.datetime().nullable(),
  lastError: z.string().nullable(),
  /** ACME and self-signed certificates are renewed 30 days before they expire. */
  autoRenew: z.boolean(),
  lastRenewedAt: z.iso.datetime().nullable(),
  /** When the last `certificate.expiring` alert went out for this certificate. */
  expiryAlertedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Certificate = z.infer<typeof certificateSchema>;

const pemText = z.string().trim().min(1).max(65_536);

/** A hostname a certificate may name: DNS labels, optionally one leading `*.` label. */
export const certificateHostnameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    "a hostname like shop.example.com or *.example.com",
  );

export const uploadCertificateSchema = z.strictObject({
  /** The leaf certificate, PEM; it may carry its chain after it. */
  certificate: pemText,
  /** Intermediate certificates, PEM, leaf's issuer first. */
  chain: z.string().trim().max(65_536).optional(),
  privateKey: pemText.max(16_384),
  projectId: z.string().max(64).optional(),
});
export type UploadCertificateInput = z.infer<typeof uploadCertificateSchema>;

export const issueCertificateSchema = z.discriminatedUnion("source", [
  z.strictObject({
    source: z.literal("self-signed"),
    hostnames: z.array(certificateHostnameSchema).min(1).max(20),
    projectId: z.string().max(64).optional(),
    /**
     * Self-signed certificates are for local names (`localhost`, `.local`, `.test`,
     * `.internal`); any other name needs this, since browsers will warn on it.
     */
    allowAnyHostname: z.boolean().default(false),
  }),
  z.strictObject({
    source: z.literal("acme"),
    /** Public names that reach this edge on port 80: HTTP-01 cannot prove wildcards. */
    hostnames: z.array(certificateHostnameSchema).min(1).max(20),
    projectId: z.string().max(64).optional(),
  }),
]);
export type IssueCertificateInput = z.infer<typeof issueCertificateSchema>;

export const certificateListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
  projectId: z.string().max(64).optional(),
});

/** Names a self-signed certificate may carry without `allowAnyHostname`. */
export function isLocalHostname(hostname: string): boolean {
  const name = hostname.replace(/^\*\./, "");
  return name === "localhost" || [".localhost", ".local", ".test", ".internal"].some((suffix) => name.endsWith(suffix));
}

import { boolean, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { projects } from "../projects/projects.tables.ts";
import { teams } from "../teams/teams.tables.ts";

export const certificates = pgTable(
  "certificates",
  {
    id: text("id").primaryKey(),
    /** Null only for the edge's own default certificate (`*.<edge domain>`), which no team owns. */
    teamId: text("team_id").references(() => teams.id, { onDelete: "cascade" }),
    projectId: text("project_id").references(() => projects.id, { onDelete: "set null" }),
    /** SANs of the certificate; while an ACME order is pending, the names asked for. */
    hostnames: jsonb("hostnames").$type<string[]>().notNull(),
    /** uploaded | self-signed | acme */
    source: text("source").notNull(),
    /** pending | active | failed (expired is read off not_after). */
    status: text("status").notNull(),
    /** Leaf first, then its chain, PEM. Null until an ACME order delivers. */
    certificatePem: text("certificate_pem"),
    /** AES-256-GCM with `certificate-key:<id>` bound in. */
    privateKeySealed: text("private_key_sealed"),
    notBefore: timestamp("not_before", { withTimezone: true }),
    notAfter: timestamp("not_after", { withTimezone: true }),
    issuer: text("issuer"),
    fingerprint: text("fingerprint"),
    lastError: text("last_error"),
    /** The ACME step under way (ordering | validating | finalizing | downloading), or null. */
    progress: text("progress"),
    autoRenew: boolean("auto_renew").notNull().default(false),
    lastRenewedAt: timestamp("last_renewed_at", { withTimezone: true }),
    /** The ACME order being worked on and the key its CSR carries, so a restart resumes it. */
    acmeOrderUrl: text("acme_order_url"),
    /** AES-256-GCM with `certificate-pending-key:<id>` bound in. */
    pendingKeySealed: text("pending_key_sealed"),
    /** The smallest alert threshold (days before expiry) already sent for the current not_after. */
    expiryAlertedDays: integer("expiry_alerted_days"),
    expiryAlertedAt: timestamp("expiry_alerted_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("certificates_team_created_idx").on(t.teamId, t.createdAt),
    index("certificates_not_after_idx").on(t.notAfter),
  ],
);

/**
 * HTTP-01 challenges waiting for the ACME server to fetch them. Kept in the store so a platform
 * restarted mid-order (or another edge node) still answers them.
 */
export const acmeChallenges = pgTable("acme_challenges", {
  token: text("token").primaryKey(),
  /** `<token>.<account key thumbprint>`: what the edge answers; public by design (RFC 8555 §8.3). */
  keyAuthorization: text("key_authorization").notNull(),
  hostname: text("hostname").notNull(),
  certificateId: text("certificate_id")
    .notNull()
    .references(() => certificates.id, { onDelete: "cascade" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One ACME account per directory, for the whole instance. */
export const acmeAccounts = pgTable("acme_accounts", {
  directoryUrl: text("directory_url").primaryKey(),
  accountUrl: text("account_url").notNull(),
  email: text("email"),
  /** The account's EC P-256 key, PKCS#8 PEM, sealed with `acme-account:<directory url>`. */
  keySealed: text("key_sealed").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

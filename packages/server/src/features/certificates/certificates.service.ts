import {
  type Certificate,
  type IssueCertificateInput,
  isLocalHostname,
  type UploadCertificateInput,
} from "@slipway/contracts";
import { and, eq, isNull } from "drizzle-orm";
import type { RequestContext } from "../../platform/access.ts";
import { type AuditRecord, recordAudit } from "../../platform/audit.ts";
import type { Db, Executor } from "../../platform/db.ts";
import { badRequest, conflict, notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Outbox } from "../../platform/outbox.ts";
import { afterCursor, type Cursor, newestFirst, toPage } from "../../platform/pagination.ts";
import type { JobDefinition, Queue } from "../../platform/queue.ts";
import type { Secrets } from "../../platform/secrets.ts";
import { loadProject } from "../projects/projects.service.ts";
import type { acmeOrderPayload } from "./acme-order.ts";
import { certificates } from "./certificates.tables.ts";
import { createSelfSignedCertificate } from "./key-material.ts";
import { factsOf, validateUpload } from "./pem.ts";

export type CertificatesDeps = {
  db: Db;
  secrets: Secrets;
  outbox: Outbox;
  queue: Queue;
  orderJob: JobDefinition<typeof acmeOrderPayload>;
  /** Reloads the edge's certificate table; resolves once the change is served. */
  onCertificatesChanged: () => Promise<void>;
};

export type CertificateRow = typeof certificates.$inferSelect;
type Scope = { ctx: RequestContext; teamId: string };

/** Self-signed certificates last a year and renew themselves, like ACME ones, 30 days ahead. */
export const selfSignedDays = 365;
export const renewWithinDays = 30;

export const keySealFor = (id: string) => `certificate-key:${id}`;
export const pendingKeySealFor = (id: string) => `certificate-pending-key:${id}`;

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toCertificate(row: CertificateRow, now = new Date()): Certificate {
  const isExpired = row.status === "active" && row.notAfter !== null && row.notAfter.getTime() <= now.getTime();
  return {
    id: row.id,
    projectId: row.projectId,
    hostnames: row.hostnames,
    source: row.source as Certificate["source"],
    status: isExpired ? "expired" : (row.status as Certificate["status"]),
    progress: row.progress as Certificate["progress"],
    issuer: row.issuer,
    fingerprint: row.fingerprint,
    notBefore: iso(row.notBefore),
    notAfter: iso(row.notAfter),
    lastError: row.lastError,
    autoRenew: row.autoRenew,
    lastRenewedAt: iso(row.lastRenewedAt),
    expiryAlertedAt: iso(row.expiryAlertedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listCertificates(
  options: { teamId: string; projectId?: string | undefined; limit: number; cursor: Cursor | undefined },
  db: Db,
) {
  const rows = await db
    .select()
    .from(certificates)
    .where(
      and(
        eq(certificates.teamId, options.teamId),
        options.projectId ? eq(certificates.projectId, options.projectId) : undefined,
        afterCursor(certificates, options.cursor),
      ),
    )
    .orderBy(...newestFirst(certificates))
    .limit(options.limit + 1);
  const now = new Date();
  return toPage(rows, options.limit, (row) => toCertificate(row, now));
}

export async function loadCertificate(teamId: string, certificateId: string, db: Executor): Promise<CertificateRow> {
  const [row] = await db
    .select()
    .from(certificates)
    .where(and(eq(certificates.id, certificateId), eq(certificates.teamId, teamId)));
  if (!row) throw notFound("certificate");
  return row;
}

function audit(tx: Executor, scope: Scope, action: string, row: CertificateRow, details: Record<string, unknown> = {}) {
  return recordAudit(tx, {
    actor: scope.ctx.actor,
    ip: scope.ctx.ip,
    teamId: scope.teamId,
    action,
    resource: { type: "certificate", id: row.id },
    result: "success",
    // Names and fingerprints, never key material.
    details: { hostnames: row.hostnames, source: row.source, fingerprint: row.fingerprint, ...details },
  });
}

/** The event every certificate change emits, `certificate.<verb>`. */
export function emitCertificateEvent(
  tx: Executor,
  outbox: Outbox,
  type: string,
  row: CertificateRow,
  extra: Record<string, unknown> = {},
) {
  return outbox.emit(tx, {
    type,
    teamId: row.teamId,
    payload: {
      certificateId: row.id,
      projectId: row.projectId,
      hostnames: row.hostnames,
      source: row.source,
      notAfter: iso(row.notAfter),
      ...extra,
    },
  });
}

async function assertProject(teamId: string, projectId: string | undefined, db: Executor): Promise<string | null> {
  if (!projectId) return null;
  return (await loadProject(teamId, projectId, db)).id;
}

async function insertAndRecord(
  scope: Scope,
  values: typeof certificates.$inferInsert,
  change: { action: string; event: string },
  deps: CertificatesDeps,
): Promise<CertificateRow> {
  const row = await deps.db.transaction(async (tx) => {
    await assertProject(scope.teamId, values.projectId ?? undefined, tx);
    const [inserted] = await tx.insert(certificates).values(values).returning();
    if (!inserted) throw new Error("certificate insert returned nothing");
    await audit(tx, scope, change.action, inserted);
    await emitCertificateEvent(tx, deps.outbox, change.event, inserted);
    return inserted;
  });
  return row;
}

export async function uploadCertificate(
  scope: Scope & { input: UploadCertificateInput },
  deps: CertificatesDeps,
): Promise<Certificate> {
  const { chainPem, keyPem, facts } = validateUpload(scope.input);
  const id = newId("crt");
  const row = await insertAndRecord(
    scope,
    {
      id,
      teamId: scope.teamId,
      projectId: scope.input.projectId ?? null,
      hostnames: facts.hostnames,
      source: "uploaded",
      status: "active",
      certificatePem: chainPem,
      privateKeySealed: deps.secrets.seal(keyPem, keySealFor(id)),
      notBefore: facts.notBefore,
      notAfter: facts.notAfter,
      issuer: facts.issuer,
      fingerprint: facts.fingerprint,
      autoRenew: false,
    },
    { action: "certificate.upload", event: "certificate.uploaded" },
    deps,
  );
  await deps.onCertificatesChanged();
  return toCertificate(row);
}

function assertHostnames(input: IssueCertificateInput): string[] {
  const hostnames = [...new Set(input.hostnames)];
  if (input.source === "self-signed") {
    const foreign = hostnames.filter((h) => !isLocalHostname(h));
    if (foreign.length > 0 && !input.allowAnyHostname)
      throw badRequest(
        `${foreign.join(", ")} ${foreign.length === 1 ? "is not a local name" : "are not local names"}: browsers will warn on a self-signed certificate for it; set allowAnyHostname to issue one anyway`,
        { field: "hostnames" },
      );
    return hostnames;
  }
  for (const hostname of hostnames) {
    if (hostname.startsWith("*."))
      throw badRequest(`${hostname}: a wildcard needs a DNS-01 challenge; HTTP-01 covers exact names only`, {
        field: "hostnames",
      });
    if (isLocalHostname(hostname) || !hostname.includes("."))
      throw badRequest(`${hostname} is a local name no public CA will issue for; issue a self-signed certificate`, {
        field: "hostnames",
      });
  }
  return hostnames;
}

export async function issueCertificate(
  scope: Scope & { input: IssueCertificateInput },
  deps: CertificatesDeps,
): Promise<Certificate> {
  const hostnames = assertHostnames(scope.input);
  const id = newId("crt");
  const base = { id, teamId: scope.teamId, projectId: scope.input.projectId ?? null, autoRenew: true };
  if (scope.input.source === "self-signed") {
    const issued = await createSelfSignedCertificate(hostnames, { days: selfSignedDays });
    const facts = factsOf(issued.certificatePem);
    const row = await insertAndRecord(
      scope,
      {
        ...base,
        ...factColumns(facts),
        source: "self-signed",
        status: "active",
        certificatePem: issued.certificatePem,
        privateKeySealed: deps.secrets.seal(issued.keyPem, keySealFor(id)),
      },
      { action: "certificate.issue", event: "certificate.issued" },
      deps,
    );
    await deps.onCertificatesChanged();
    return toCertificate(row);
  }
  const row = await deps.db.transaction(async (tx) => {
    await assertProject(scope.teamId, scope.input.projectId, tx);
    const [inserted] = await tx
      .insert(certificates)
      .values({ ...base, hostnames, source: "acme", status: "pending", progress: "ordering" })
      .returning();
    if (!inserted) throw new Error("certificate insert returned nothing");
    await audit(tx, scope, "certificate.request", inserted);
    await emitCertificateEvent(tx, deps.outbox, "certificate.requested", inserted);
    await deps.queue.enqueue(tx, deps.orderJob, { certificateId: id }, { dedupeKey: `acme-order:${id}:0` });
    return inserted;
  });
  deps.queue.wake();
  return toCertificate(row);
}

export function factColumns(facts: ReturnType<typeof factsOf>) {
  return {
    hostnames: facts.hostnames,
    notBefore: facts.notBefore,
    notAfter: facts.notAfter,
    issuer: facts.issuer,
    fingerprint: facts.fingerprint,
    // A new notAfter starts its alerts afresh.
    expiryAlertedDays: null,
    expiryAlertedAt: null,
  };
}

/**
 * Renews now: a self-signed certificate is made again at once; an ACME one gets a new order,
 * and keeps being served until the new certificate is there. Uploaded ones are replaced by
 * uploading again.
 */
export async function renewCertificate(
  options: { actor: AuditRecord["actor"]; ip: string | null; teamId: string; certificateId: string },
  deps: CertificatesDeps,
): Promise<Certificate> {
  const current = await loadCertificate(options.teamId, options.certificateId, deps.db);
  if (current.source === "uploaded")
    throw badRequest("an uploaded certificate is renewed by uploading its successor; delete this one after");
  if (current.progress !== null) throw conflict("an ACME order for this certificate is already under way");
  const record = (tx: Executor, row: CertificateRow) =>
    recordAudit(tx, {
      actor: options.actor,
      ip: options.ip,
      teamId: options.teamId,
      action: "certificate.renew",
      resource: { type: "certificate", id: row.id },
      result: "success",
      details: { hostnames: row.hostnames, source: row.source, fingerprint: row.fingerprint },
    });
  if (current.source === "self-signed") {
    const issued = await createSelfSignedCertificate(current.hostnames, { days: selfSignedDays });
    const row = await deps.db.transaction(async (tx) => {
      const [updated] = await tx
        .update(certificates)
        .set({
          ...factColumns(factsOf(issued.certificatePem)),
          status: "active",
          lastError: null,
          certificatePem: issued.certificatePem,
          privateKeySealed: deps.secrets.seal(issued.keyPem, keySealFor(current.id)),
          lastRenewedAt: new Date(),
          updatedAt: new Date(),
        })
        .where(eq(certificates.id, current.id))
        .returning();
      if (!updated) throw notFound("certificate");
      await record(tx, updated);
      await emitCertificateEvent(tx, deps.outbox, "certificate.renewed", updated);
      return updated;
    });
    await deps.onCertificatesChanged();
    return toCertificate(row);
  }
  const row = await deps.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(certificates)
      .set({
        progress: "ordering",
        lastError: null,
        // Nothing served yet: it is pending again; otherwise the served certificate stays as it is.
        ...(current.certificatePem === null ? { status: "pending" } : {}),
        updatedAt: new Date(),
      })
      .where(and(eq(certificates.id, current.id), isNull(certificates.progress)))
      .returning();
    if (!updated) throw conflict("an ACME order for this certificate is already under way");
    await record(tx, updated);
    await emitCertificateEvent(tx, deps.outbox, "certificate.renewal_requested", updated);
    await deps.queue.enqueue(
      tx,
      deps.orderJob,
      { certificateId: current.id },
      { dedupeKey: `acme-order:${current.id}:${updated.updatedAt.getTime()}` },
    );
    return updated;
  });
  deps.queue.wake();
  return toCertificate(row);
}

export async function deleteCertificate(scope: Scope & { certificateId: string }, deps: CertificatesDeps) {
  await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(certificates)
      .where(and(eq(certificates.id, scope.certificateId), eq(certificates.teamId, scope.teamId)))
      .returning();
    if (!row) throw notFound("certificate");
    await audit(tx, scope, "certificate.delete", row);
    await emitCertificateEvent(tx, deps.outbox, "certificate.deleted", row);
  });
  await deps.onCertificatesChanged();
}

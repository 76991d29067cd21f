import { createPrivateKey, X509Certificate } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { AcmeStep } from "@slipway/contracts";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { recordAudit } from "../../platform/audit.ts";
import type { Db, Executor } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Outbox } from "../../platform/outbox.ts";
import type { Secrets } from "../../platform/secrets.ts";
import type { AcmeChallengeStore } from "./acme-challenge-store.ts";
import { type AcmeClient, AcmeError, type AcmeOrder, createAcmeClient, describeProblem } from "./acme-client.ts";
import {
  type CertificateRow,
  emitCertificateEvent,
  factColumns,
  keySealFor,
  pendingKeySealFor,
} from "./certificates.service.ts";
import { acmeAccounts, certificates } from "./certificates.tables.ts";
import { createCertificateRequest, generateKeyPair, importKeyPair } from "./key-material.ts";
import { factsOf, pemBlocks } from "./pem.ts";

export const acmeOrderPayload = z.object({ certificateId: z.string() });

/** Where certificates come from: `SLIPWAY_ACME_*`. */
export type AcmeSettings = {
  directoryUrl: string;
  email: string | undefined;
  /** Extra CA certificates (PEM) to trust for the directory's HTTPS: a test CA like pebble's. */
  caCertificates: string | undefined;
  /** How long to wait for the CA to validate and issue before giving up. */
  timeoutMs?: number;
};

export type AcmeOrderDeps = {
  db: Db;
  secrets: Secrets;
  outbox: Outbox;
  logger: Logger;
  acme: AcmeSettings;
  challenges: AcmeChallengeStore;
  onCertificatesChanged: () => Promise<void>;
};

const accountSealFor = (directoryUrl: string) => `acme-account:${directoryUrl}`;

/** The instance's account at this directory, registered on first use; its key is stored sealed. */
async function accountClient(deps: AcmeOrderDeps): Promise<AcmeClient> {
  const { directoryUrl, email, caCertificates } = deps.acme;
  const [stored] = await deps.db.select().from(acmeAccounts).where(eq(acmeAccounts.directoryUrl, directoryUrl));
  if (stored) {
    return createAcmeClient({
      directoryUrl,
      caCertificates,
      accountKeyPem: deps.secrets.open(stored.keySealed, accountSealFor(directoryUrl)),
      accountUrl: stored.accountUrl,
    });
  }
  const { pem } = await generateKeyPair();
  const client = createAcmeClient({ directoryUrl, caCertificates, accountKeyPem: pem });
  const accountUrl = await client.ensureAccount(email);
  const [inserted] = await deps.db
    .insert(acmeAccounts)
    .values({
      directoryUrl,
      accountUrl,
      email: email ?? null,
      keySealed: deps.secrets.seal(pem, accountSealFor(directoryUrl)),
    })
    .onConflictDoNothing()
    .returning();
  if (inserted) return client;
  // Another worker registered one at the same moment: use theirs.
  client.close();
  return accountClient(deps);
}

async function setStep(db: Executor, id: string, step: AcmeStep, extra: Partial<CertificateRow> = {}) {
  await db
    .update(certificates)
    .set({ progress: step, updatedAt: new Date(), ...extra })
    .where(eq(certificates.id, id));
}

/** Polls until `check` returns a value, or fails with what `stuck` says after the deadline. */
async function poll<T>(deadline: number, check: () => Promise<T | undefined>, stuck: () => string): Promise<T> {
  for (let wait = 250; ; wait = Math.min(wait * 2, 2000)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() + wait > deadline) throw new AcmeError(stuck());
    await sleep(wait);
  }
}

/** Proves each name of the order over HTTP-01 through the edge, then waits for the CA's verdict. */
async function authorize(
  row: CertificateRow,
  order: AcmeOrder,
  client: AcmeClient,
  deadline: number,
  deps: AcmeOrderDeps,
) {
  for (const url of order.authorizations) {
    const authorization = await client.getAuthorization(url);
    if (authorization.status === "valid") continue;
    const challenge = authorization.challenges.find((c) => c.type === "http-01");
    if (!challenge) throw new AcmeError(`the CA offered no HTTP-01 challenge for ${authorization.identifier.value}`);
    await deps.challenges.put(deps.db, {
      token: challenge.token,
      keyAuthorization: client.keyAuthorization(challenge.token),
      hostname: authorization.identifier.value,
      certificateId: row.id,
    });
    if (challenge.status === "pending") await client.respondToChallenge(challenge.url);
  }
  for (const url of order.authorizations) {
    await poll(
      deadline,
      async () => {
        const authorization = await client.getAuthorization(url);
        if (authorization.status === "valid") return true;
        if (authorization.status === "pending") return undefined;
        const failed = authorization.challenges.find((c) => c.type === "http-01" && c.error);
        throw new AcmeError(
          `${authorization.identifier.value}: ${describeProblem(failed?.error, `authorization ${authorization.status}`)}`,
          failed?.error?.type ?? null,
        );
      },
      () => `the CA did not validate the challenge in time`,
    );
  }
}

/**
 * Runs (or resumes, after a restart) the ACME order of one certificate: order, HTTP-01
 * challenges answered by the edge, finalize with a fresh key, download. A refusal lands on the
 * record as `failed` with the CA's words; a certificate already served stays served.
 */
export async function runAcmeOrder(certificateId: string, deps: AcmeOrderDeps): Promise<void> {
  const [row] = await deps.db.select().from(certificates).where(eq(certificates.id, certificateId));
  if (!row || row.progress === null) return;
  const deadline = Date.now() + (deps.acme.timeoutMs ?? 120_000);
  let client: AcmeClient | null = null;
  try {
    client = await accountClient(deps);
    // The key the certificate will carry, kept sealed so a resumed order finalizes with the same one.
    let keyPem = row.pendingKeySealed ? deps.secrets.open(row.pendingKeySealed, pendingKeySealFor(row.id)) : null;
    if (!keyPem) {
      keyPem = (await generateKeyPair()).pem;
      await setStep(deps.db, row.id, "ordering", {
        pendingKeySealed: deps.secrets.seal(keyPem, pendingKeySealFor(row.id)),
      });
    }
    let order = row.acmeOrderUrl ? await client.getOrder(row.acmeOrderUrl).catch(() => null) : null;
    if (!order || order.status === "invalid") {
      order = await client.newOrder(row.hostnames);
      await setStep(deps.db, row.id, "ordering", { acmeOrderUrl: order.url });
    }
    if (order.status === "pending") {
      await setStep(deps.db, row.id, "validating");
      await authorize(row, order, client, deadline, deps);
      order = await client.getOrder(order.url);
    }
    await setStep(deps.db, row.id, "finalizing");
    if (order.status === "ready") {
      const csr = await createCertificateRequest(row.hostnames, (await importKeyPair(keyPem)).keys);
      order = await client.finalize(order, csr);
    }
    const [active, orderUrl] = [client, order.url];
    const done = await poll(
      deadline,
      async () => {
        const current = await active.getOrder(orderUrl);
        if (current.status === "valid") return current;
        if (current.status === "invalid")
          throw new AcmeError(describeProblem(current.error, "the order became invalid"));
        return undefined;
      },
      () => "the CA did not issue the certificate in time",
    );
    if (!done.certificate) throw new AcmeError("the CA marked the order valid without a certificate URL");
    await setStep(deps.db, row.id, "downloading");
    const chainPem = pemBlocks(await client.downloadCertificate(done.certificate))
      .filter((b) => b.label === "CERTIFICATE")
      .map((b) => b.pem)
      .join("");
    if (!chainPem || !new X509Certificate(chainPem).checkPrivateKey(createPrivateKey(keyPem)))
      throw new AcmeError("the CA sent a certificate that does not match the key it was asked for");
    await finish(row, deps, { chainPem, keyPem });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.warn({ certificateId, err: message }, "ACME order failed");
    await fail(row, deps, message);
  } finally {
    client?.close();
  }
}

async function finish(row: CertificateRow, deps: AcmeOrderDeps, issued: { chainPem: string; keyPem: string }) {
  const isRenewal = row.certificatePem !== null;
  await deps.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(certificates)
      .set({
        ...factColumns(factsOf(issued.chainPem)),
        status: "active",
        progress: null,
        lastError: null,
        certificatePem: issued.chainPem,
        privateKeySealed: deps.secrets.seal(issued.keyPem, keySealFor(row.id)),
        pendingKeySealed: null,
        acmeOrderUrl: null,
        ...(isRenewal ? { lastRenewedAt: new Date() } : {}),
        updatedAt: new Date(),
      })
      .where(eq(certificates.id, row.id))
      .returning();
    if (!updated) return;
    await deps.challenges.removeFor(tx, row.id);
    await recordAudit(tx, {
      actor: { type: "system" },
      ip: null,
      teamId: row.teamId,
      action: isRenewal ? "certificate.renewed" : "certificate.issued",
      resource: { type: "certificate", id: row.id },
      result: "success",
      details: {
        hostnames: updated.hostnames,
        source: "acme",
        issuer: updated.issuer,
        fingerprint: updated.fingerprint,
      },
    });
    await emitCertificateEvent(tx, deps.outbox, isRenewal ? "certificate.renewed" : "certificate.issued", updated);
  });
  await deps.onCertificatesChanged();
}

async function fail(row: CertificateRow, deps: AcmeOrderDeps, message: string) {
  await deps.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(certificates)
      .set({
        status: "failed",
        progress: null,
        lastError: message.slice(0, 2000),
        pendingKeySealed: null,
        acmeOrderUrl: null,
        updatedAt: new Date(),
      })
      .where(eq(certificates.id, row.id))
      .returning();
    if (!updated) return;
    await deps.challenges.removeFor(tx, row.id);
    await recordAudit(tx, {
      actor: { type: "system" },
      ip: null,
      teamId: row.teamId,
      action: "certificate.issue",
      resource: { type: "certificate", id: row.id },
      result: "failure",
      details: { hostnames: row.hostnames, source: "acme", error: updated.lastError },
    });
    await emitCertificateEvent(tx, deps.outbox, "certificate.failed", updated, { error: updated.lastError });
  });
}

import { certificateExpiryAlertDays } from "@slipway/contracts";
import { and, eq, gt, isNotNull, isNull, lte, or } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Outbox } from "../../platform/outbox.ts";
import type { Queue } from "../../platform/queue.ts";
import type { Scheduler } from "../../platform/scheduler.ts";
import type { Secrets } from "../../platform/secrets.ts";
import type { AcmeChallengeStore } from "./acme-challenge-store.ts";
import { type AcmeSettings, acmeOrderPayload, runAcmeOrder } from "./acme-order.ts";
import {
  type CertificatesDeps,
  emitCertificateEvent,
  renewCertificate,
  renewWithinDays,
} from "./certificates.service.ts";
import { certificates } from "./certificates.tables.ts";
import { ensureEdgeCertificate } from "./edge-certificate.ts";

const dayMs = 86_400_000;

/**
 * Sends `certificate.expiring` once per certificate and threshold (14, 7, 1 days ahead), and
 * records it on the certificate. A renewed certificate (new notAfter) starts over.
 */
export async function alertExpiringCertificates(deps: { db: Db; outbox: Outbox }, now = new Date()): Promise<number> {
  const widest = Math.max(...certificateExpiryAlertDays);
  const due = await deps.db
    .select()
    .from(certificates)
    .where(
      and(
        isNotNull(certificates.teamId),
        isNotNull(certificates.notAfter),
        lte(certificates.notAfter, new Date(now.getTime() + widest * dayMs)),
      ),
    );
  let sent = 0;
  for (const row of due) {
    const daysLeft = Math.ceil(((row.notAfter as Date).getTime() - now.getTime()) / dayMs);
    const threshold = Math.min(...certificateExpiryAlertDays.filter((days) => daysLeft <= days));
    if (row.expiryAlertedDays !== null && row.expiryAlertedDays <= threshold) continue;
    await deps.db.transaction(async (tx) => {
      // The condition again, in the update: two workers never both send the same alert.
      const [claimed] = await tx
        .update(certificates)
        .set({ expiryAlertedDays: threshold, expiryAlertedAt: now })
        .where(
          and(
            eq(certificates.id, row.id),
            or(isNull(certificates.expiryAlertedDays), gt(certificates.expiryAlertedDays, threshold)),
          ),
        )
        .returning();
      if (!claimed) return;
      await emitCertificateEvent(tx, deps.outbox, "certificate.expiring", claimed, {
        daysLeft,
        thresholdDays: threshold,
      });
      sent++;
    });
  }
  return sent;
}

/**
 * Renews what expires within 30 days: ACME certificates get a new order, self-signed ones are
 * made again, and so is the edge's own. One failing does not stop the others.
 */
export async function renewDueCertificates(
  deps: CertificatesDeps & { logger: Logger; edgeDomain: string },
  now = new Date(),
): Promise<number> {
  if (await ensureEdgeCertificate(deps, deps.edgeDomain, now)) await deps.onCertificatesChanged();
  const due = await deps.db
    .select()
    .from(certificates)
    .where(
      and(
        isNotNull(certificates.teamId),
        eq(certificates.autoRenew, true),
        isNull(certificates.progress),
        lte(certificates.notAfter, new Date(now.getTime() + renewWithinDays * dayMs)),
      ),
    );
  let started = 0;
  for (const row of due) {
    try {
      await renewCertificate(
        { actor: { type: "system" }, ip: null, teamId: row.teamId as string, certificateId: row.id },
        deps,
      );
      started++;
    } catch (error) {
      deps.logger.warn({ err: error, certificateId: row.id }, "certificate renewal did not start");
    }
  }
  return started;
}

/** The certificate jobs: ACME orders, and the daily renewal and expiry checks. */
export function defineCertificateJobs(deps: {
  db: Db;
  secrets: Secrets;
  outbox: Outbox;
  queue: Queue;
  logger: Logger;
  acme: AcmeSettings;
  challenges: AcmeChallengeStore;
  edgeDomain: string;
  onCertificatesChanged: () => Promise<void>;
}) {
  const orderJob = deps.queue.define({
    name: "certificates.acme-order",
    payload: acmeOrderPayload,
    // A refusal is recorded on the certificate and the job succeeds; a second attempt only
    // runs after the platform stopped mid-order, and resumes the same order.
    maxAttempts: 3,
    timeoutMs: 10 * 60_000,
    handler: ({ certificateId }) => runAcmeOrder(certificateId, deps),
  });
  const serviceDeps: CertificatesDeps = { ...deps, orderJob };
  const renewJob = deps.queue.define({
    name: "certificates.renew",
    payload: z.object({}),
    maxAttempts: 1,
    handler: () => renewDueCertificates({ ...serviceDeps, logger: deps.logger, edgeDomain: deps.edgeDomain }),
  });
  const alertJob = deps.queue.define({
    name: "certificates.expiry-alerts",
    payload: z.object({}),
    maxAttempts: 3,
    handler: () => alertExpiringCertificates(deps),
  });
  return {
    serviceDeps,
    async schedule(scheduler: Scheduler): Promise<void> {
      await scheduler.schedule("certificates.renew", "17 3 * * *", renewJob, {});
      await scheduler.schedule("certificates.expiry-alerts", "7 8 * * *", alertJob, {});
    },
  };
}

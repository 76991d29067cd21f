import { CertificateTable } from "../../edge/certificate-table.ts";
import type { Db } from "../../platform/db.ts";
import type { HttpApp } from "../../platform/http.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Outbox } from "../../platform/outbox.ts";
import type { Queue } from "../../platform/queue.ts";
import type { Scheduler } from "../../platform/scheduler.ts";
import type { Secrets } from "../../platform/secrets.ts";
import { createAcmeChallengeStore } from "./acme-challenge-store.ts";
import type { AcmeSettings } from "./acme-order.ts";
import { createCertificateSync } from "./certificate-sync.ts";
import { alertExpiringCertificates, defineCertificateJobs, renewDueCertificates } from "./certificates.jobs.ts";
import { registerCertificateRoutes } from "./certificates.routes.ts";
import { ensureEdgeCertificate } from "./edge-certificate.ts";

/**
 * The certificates feature as the composition root needs it: the edge's certificate table and
 * ACME challenge responder, the routes, and the jobs. `start` makes the edge's default
 * certificate if there is none yet and loads the table before the HTTPS listener opens.
 */
export function createCertificates(deps: {
  db: Db;
  secrets: Secrets;
  outbox: Outbox;
  queue: Queue;
  logger: Logger;
  acme: AcmeSettings;
  edgeDomain: string;
  reloadIntervalMs?: number;
}) {
  const table = new CertificateTable();
  const sync = createCertificateSync({
    ...deps,
    table,
    ...(deps.reloadIntervalMs ? { intervalMs: deps.reloadIntervalMs } : {}),
  });
  const challenges = createAcmeChallengeStore({
    ...deps,
    ...(deps.reloadIntervalMs ? { intervalMs: deps.reloadIntervalMs } : {}),
  });
  const onCertificatesChanged = () => sync.changed();
  const jobs = defineCertificateJobs({ ...deps, challenges, onCertificatesChanged });
  const serviceDeps = jobs.serviceDeps;
  const withLogger = { ...serviceDeps, logger: deps.logger, edgeDomain: deps.edgeDomain };

  return {
    table,
    challenges,
    registerRoutes: (app: HttpApp) => registerCertificateRoutes(app, serviceDeps),
    async start(scheduler: Scheduler): Promise<void> {
      await ensureEdgeCertificate(deps, deps.edgeDomain);
      await Promise.all([sync.reload(), challenges.reload()]);
      await jobs.schedule(scheduler);
      sync.start();
      challenges.start();
    },
    stop: () => {
      sync.stop();
      challenges.stop();
    },
    /** The daily jobs, callable at a chosen time (tests, the CLI). */
    renewDue: (now?: Date) => renewDueCertificates(withLogger, now),
    alertExpiring: (now?: Date) => alertExpiringCertificates(deps, now),
  };
}

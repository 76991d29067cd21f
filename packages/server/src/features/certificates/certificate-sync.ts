import { and, isNotNull } from "drizzle-orm";
import type { CertificateTable, ServedCertificate } from "../../edge/certificate-table.ts";
import type { Db } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import { createReloader } from "../../platform/reloader.ts";
import type { Secrets } from "../../platform/secrets.ts";
import { keySealFor } from "./certificates.service.ts";
import { certificates } from "./certificates.tables.ts";
import { edgeCertificateId } from "./edge-certificate.ts";

/**
 * Keeps the edge's certificate table equal to the store, like the route sync: loaded whole at
 * start, right after this process changes a certificate, and every few seconds for changes
 * other nodes made. Keys are opened once per certificate version.
 */
export function createCertificateSync(deps: {
  db: Db;
  secrets: Secrets;
  table: CertificateTable;
  logger: Logger;
  intervalMs?: number;
}) {
  const openedKeys = new Map<string, string>();

  async function reload(): Promise<void> {
    const rows = await deps.db
      .select({
        id: certificates.id,
        hostnames: certificates.hostnames,
        certificatePem: certificates.certificatePem,
        privateKeySealed: certificates.privateKeySealed,
        fingerprint: certificates.fingerprint,
        notAfter: certificates.notAfter,
      })
      .from(certificates)
      .where(and(isNotNull(certificates.certificatePem), isNotNull(certificates.privateKeySealed)));
    const served: ServedCertificate[] = [];
    const seen = new Set<string>();
    let fallback: ServedCertificate | null = null;
    for (const row of rows) {
      const version = `${row.id}:${row.fingerprint}`;
      seen.add(version);
      let keyPem = openedKeys.get(version);
      if (!keyPem) {
        try {
          keyPem = deps.secrets.open(row.privateKeySealed as string, keySealFor(row.id));
        } catch (error) {
          deps.logger.error({ err: error, certificateId: row.id }, "a certificate's key does not open; not serving it");
          continue;
        }
        openedKeys.set(version, keyPem);
      }
      const entry = {
        id: row.id,
        hostnames: row.hostnames,
        certificatePem: row.certificatePem as string,
        keyPem,
        fingerprint: row.fingerprint ?? "",
        notAfter: row.notAfter ?? new Date(0),
      };
      if (row.id === edgeCertificateId) fallback = entry;
      else served.push(entry);
    }
    for (const version of openedKeys.keys()) if (!seen.has(version)) openedKeys.delete(version);
    deps.table.replaceAll(served, fallback);
  }

  return createReloader(reload, { logger: deps.logger, what: "edge certificate", intervalMs: deps.intervalMs });
}

import { eq } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Secrets } from "../../platform/secrets.ts";
import { factColumns, keySealFor, renewWithinDays, selfSignedDays } from "./certificates.service.ts";
import { certificates } from "./certificates.tables.ts";
import { createSelfSignedCertificate } from "./key-material.ts";
import { factsOf } from "./pem.ts";

/** The edge's own certificate has one fixed id: there is one per instance, and no team owns it. */
export const edgeCertificateId = "crt_edge_default";

export const edgeHostnames = (edgeDomain: string) => [`*.${edgeDomain}`, edgeDomain];

/**
 * Makes the edge's default certificate (self-signed, `*.<edge domain>` and `<edge domain>`) on
 * first start, and again when the domain changed or it is within 30 days of expiry, so
 * https://<project>.<edge domain>:8443 answers out of the box. Answers whether it changed.
 */
export async function ensureEdgeCertificate(
  deps: { db: Db; secrets: Secrets; logger: Logger },
  edgeDomain: string,
  now = new Date(),
): Promise<boolean> {
  const hostnames = edgeHostnames(edgeDomain.toLowerCase());
  const [current] = await deps.db.select().from(certificates).where(eq(certificates.id, edgeCertificateId));
  const isCurrent =
    current?.certificatePem &&
    current.hostnames.join() === hostnames.join() &&
    (current.notAfter?.getTime() ?? 0) - now.getTime() > renewWithinDays * 86_400_000;
  if (isCurrent) return false;
  const issued = await createSelfSignedCertificate(hostnames, { days: selfSignedDays, now });
  const values = {
    ...factColumns(factsOf(issued.certificatePem)),
    status: "active",
    certificatePem: issued.certificatePem,
    privateKeySealed: deps.secrets.seal(issued.keyPem, keySealFor(edgeCertificateId)),
    updatedAt: now,
  };
  await deps.db
    .insert(certificates)
    .values({ id: edgeCertificateId, teamId: null, source: "self-signed", autoRenew: true, ...values })
    .onConflictDoUpdate({ target: certificates.id, set: { ...values, lastRenewedAt: current ? now : null } });
  deps.logger.info(
    { hostnames },
    current ? "renewed the edge's default certificate" : "made the edge's default certificate",
  );
  return true;
}

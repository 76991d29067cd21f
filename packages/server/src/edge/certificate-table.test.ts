import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSelfSignedCertificate } from "../features/certificates/key-material.ts";
import { CertificateTable, type ServedCertificate } from "./certificate-table.ts";

async function served(id: string, hostnames: string[], days = 30): Promise<ServedCertificate> {
  const { certificatePem, keyPem } = await createSelfSignedCertificate(hostnames, { days });
  const certificate = new X509Certificate(certificatePem);
  return {
    id,
    hostnames,
    certificatePem,
    keyPem,
    fingerprint: certificate.fingerprint256,
    notAfter: new Date(certificate.validTo),
  };
}

describe("CertificateTable", () => {
  it("picks the exact name, then the wildcard of its parent, then the default", async () => {
    const table = new CertificateTable();
    const [exact, wildcard, fallback] = await Promise.all([
      served("exact", ["shop.example.com"]),
      served("wildcard", ["*.example.com"]),
      served("default", ["*.localhost", "localhost"]),
    ]);
    table.replaceAll([exact, wildcard], fallback);
    expect(table.certificateFor("shop.example.com")?.id).toBe("exact");
    expect(table.certificateFor("SHOP.example.com.")?.id).toBe("exact");
    expect(table.certificateFor("blog.example.com")?.id).toBe("wildcard");
    // A wildcard covers one label only.
    expect(table.certificateFor("a.b.example.com")?.id).toBe("default");
    expect(table.certificateFor("example.com")?.id).toBe("default");
    expect(table.contextFor("blog.example.com")).toBeDefined();
    expect(table.defaultCredentials()?.cert).toBe(fallback.certificatePem);
  });

  it("prefers the certificate that lasts longest, and an expired one only as a last resort", async () => {
    const table = new CertificateTable();
    const [short, long] = await Promise.all([served("short", ["a.test"], 10), served("long", ["a.test"], 300)]);
    const expired = { ...(await served("expired", ["a.test", "b.test"])), notAfter: new Date(Date.now() - 1000) };
    table.replaceAll([short, expired, long], null);
    expect(table.certificateFor("a.test")?.id).toBe("long");
    expect(table.certificateFor("b.test")?.id).toBe("expired");
    expect(table.certificateFor("c.test")).toBeNull();
  });

  it("tells its listeners when the default certificate changes, not otherwise", async () => {
    const table = new CertificateTable();
    let changes = 0;
    table.onDefaultChange(() => changes++);
    const [first, second] = await Promise.all([served("edge", ["*.localhost"]), served("edge", ["*.localhost"])]);
    table.replaceAll([], first);
    table.replaceAll([], first);
    expect(changes).toBe(1);
    table.replaceAll([], second);
    expect(changes).toBe(2);
  });
});

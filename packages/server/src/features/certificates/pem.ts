import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { badRequest } from "../../platform/errors.ts";

/** What the store and the API keep about a certificate, read off its leaf. */
export type CertificateFacts = {
  hostnames: string[];
  issuer: string;
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
};

const pemBlock = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** The PEM blocks of a text, with their labels. */
export function pemBlocks(text: string): { label: string; pem: string }[] {
  return [...text.matchAll(pemBlock)].map((m) => ({ label: m[1] ?? "", pem: `${m[0]}\n` }));
}

/** `DNS:a.example.com, DNS:*.example.com, IP Address:…` → the DNS names. */
function dnsNames(certificate: X509Certificate): string[] {
  const names = (certificate.subjectAltName ?? "")
    .split(/,\s*/)
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice(4).toLowerCase());
  if (names.length > 0) return [...new Set(names)];
  // Old certificates name their host in the subject's CN only.
  const commonName = /(?:^|\n)CN=([^\n]+)/.exec(certificate.subject)?.[1];
  return commonName ? [commonName.toLowerCase()] : [];
}

/** One line, like "CN=R11, O=Let's Encrypt, C=US". */
function oneLine(distinguishedName: string): string {
  return distinguishedName.split("\n").join(", ");
}

export function factsOf(leafPem: string): CertificateFacts {
  const leaf = new X509Certificate(leafPem);
  return {
    hostnames: dnsNames(leaf),
    issuer: oneLine(leaf.issuer),
    fingerprint: leaf.fingerprint256,
    notBefore: new Date(leaf.validFrom),
    notAfter: new Date(leaf.validTo),
  };
}

function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "rsa") return `RSA ${details.modulusLength ?? "?"}-bit`;
  if (key.asymmetricKeyType === "ec") return `EC ${details.namedCurve ?? "?"}`;
  return key.asymmetricKeyType ?? "unknown";
}

/** The keys browsers and the edge handle well: RSA ≥ 2048 bits, EC P-256 or P-384. */
function assertAcceptableKey(key: KeyObject): void {
  const details = key.asymmetricKeyDetails ?? {};
  const isRsa = key.asymmetricKeyType === "rsa" && (details.modulusLength ?? 0) >= 2048;
  const isEc =
    key.asymmetricKeyType === "ec" && (details.namedCurve === "prime256v1" || details.namedCurve === "secp384r1");
  if (!isRsa && !isEc)
    throw badRequest(`the private key is ${describeKey(key)}; use RSA (2048 bits or more) or EC P-256/P-384`, {
      field: "privateKey",
    });
}

function parseCertificates(text: string, field: "certificate" | "chain"): X509Certificate[] {
  const blocks = pemBlocks(text);
  if (blocks.length === 0 || blocks.some((b) => b.label !== "CERTIFICATE"))
    throw badRequest(`the ${field} is not PEM: expected -----BEGIN CERTIFICATE----- blocks`, { field });
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block.pem);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw badRequest(`certificate ${index + 1} in the ${field} does not parse: ${reason}`, { field });
    }
  });
}

function parsePrivateKey(text: string): KeyObject {
  const blocks = pemBlocks(text);
  if (blocks.length !== 1 || !blocks[0]?.label.endsWith("PRIVATE KEY"))
    throw badRequest("the private key is not PEM: expected one -----BEGIN PRIVATE KEY----- block", {
      field: "privateKey",
    });
  if (blocks[0].label === "ENCRYPTED PRIVATE KEY")
    throw badRequest("the private key is encrypted; upload it without a passphrase", { field: "privateKey" });
  try {
    return createPrivateKey(blocks[0].pem);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw badRequest(`the private key does not parse: ${reason}`, { field: "privateKey" });
  }
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Checks an uploaded certificate as the edge will serve it: every block parses, the key is one
 * we accept and belongs to the leaf, each certificate is signed by the next, and the leaf is
 * valid now. Answers the leaf-first chain and the key as PEM, normalised.
 */
export function validateUpload(
  input: { certificate: string; chain?: string | undefined; privateKey: string },
  now = new Date(),
): { chainPem: string; keyPem: string; facts: CertificateFacts } {
  const chain = [
    ...parseCertificates(input.certificate, "certificate"),
    ...(input.chain?.trim() ? parseCertificates(input.chain, "chain") : []),
  ];
  const leaf = chain[0] as X509Certificate;
  const key = parsePrivateKey(input.privateKey);
  assertAcceptableKey(key);
  if (!leaf.checkPrivateKey(key))
    throw badRequest("the private key does not match the certificate", { field: "privateKey" });
  for (let i = 0; i + 1 < chain.length; i++) {
    const [child, parent] = [chain[i] as X509Certificate, chain[i + 1] as X509Certificate];
    if (!child.checkIssued(parent) || !child.verify(parent.publicKey))
      throw badRequest(
        `the chain is broken: certificate ${i + 1} (${oneLine(child.subject)}) is not signed by certificate ${i + 2} (${oneLine(parent.subject)}); list the leaf first, then each issuer`,
        { field: "chain" },
      );
  }
  const facts = factsOf(leaf.toString());
  if (facts.notAfter.getTime() <= now.getTime())
    throw badRequest(`the certificate expired on ${day(facts.notAfter)}`, { field: "certificate" });
  if (facts.notBefore.getTime() > now.getTime())
    throw badRequest(`the certificate is not valid until ${day(facts.notBefore)}`, { field: "certificate" });
  if (facts.hostnames.length === 0)
    throw badRequest("the certificate names no host (no DNS names in its SANs or CN)", { field: "certificate" });
  return {
    chainPem: chain.map((c) => c.toString()).join(""),
    keyPem: key.export({ format: "pem", type: "pkcs8" }).toString(),
    facts,
  };
}

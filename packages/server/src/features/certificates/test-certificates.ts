// Certificates for tests: a private CA, intermediates and leaves with chosen names and dates,
// made with the same library the platform issues with.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { generateKeyPair, type KeyPair } from "./key-material.ts";

const ecdsa = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const dayMs = 86_400_000;

export type TestAuthority = { name: string; pem: string; key: KeyPair; certificate: x509.X509Certificate };
export type TestLeaf = { pem: string; keyPem: string };

const serial = () => `01${randomBytes(10).toString("hex")}`;

export async function createTestAuthority(name = "Slipway Test Root"): Promise<TestAuthority> {
  const key = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - dayMs),
    notAfter: new Date(Date.now() + 3650 * dayMs),
    keys: key.keys,
    signingAlgorithm: ecdsa,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(key.keys.publicKey),
    ],
  });
  return { name, pem: certificate.toString("pem"), key, certificate };
}

/** An intermediate CA signed by `issuer`. */
export async function createTestIntermediate(issuer: TestAuthority, name: string): Promise<TestAuthority> {
  const key = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${name}`,
    issuer: issuer.certificate.subject,
    notBefore: new Date(Date.now() - dayMs),
    notAfter: new Date(Date.now() + 1825 * dayMs),
    publicKey: key.keys.publicKey,
    signingKey: issuer.key.keys.privateKey,
    signingAlgorithm: ecdsa,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.key.keys.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(key.keys.publicKey),
    ],
  });
  return { name, pem: certificate.toString("pem"), key, certificate };
}

/** A server certificate for `hostnames`, valid from `notBefore` for `days` (defaults: yesterday, 90). */
export async function createTestLeaf(
  issuer: TestAuthority,
  hostnames: string[],
  options: { notBefore?: Date; days?: number; ips?: string[] } = {},
): Promise<TestLeaf> {
  const key = await generateKeyPair();
  const notBefore = options.notBefore ?? new Date(Date.now() - dayMs);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${hostnames[0]}`,
    issuer: issuer.certificate.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + (options.days ?? 90) * dayMs),
    publicKey: key.keys.publicKey,
    signingKey: issuer.key.keys.privateKey,
    signingAlgorithm: ecdsa,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        ...hostnames.map((value) => ({ type: "dns" as const, value })),
        ...(options.ips ?? []).map((value) => ({ type: "ip" as const, value })),
      ]),
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.key.keys.publicKey),
    ],
  });
  return { pem: certificate.toString("pem"), keyPem: key.pem };
}

/** A key nobody should serve with: RSA 1024. */
export function weakRsaKeyPem(): string {
  return generateKeyPairSync("rsa", { modulusLength: 1024 })
    .privateKey.export({ format: "pem", type: "pkcs8" })
    .toString();
}

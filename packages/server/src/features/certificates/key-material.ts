import { createPrivateKey, createPublicKey, randomBytes, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

// Node has no X.509 builder; @peculiar/x509 builds certificates and CSRs on WebCrypto.
// Its types name the DOM's Crypto, which Node's webcrypto is, without the DOM lib loaded here.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1]);

const ecdsa = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export type KeyPair = { pem: string; keys: CryptoKeyPair };

/** A fresh EC P-256 key: as a WebCrypto pair (to sign with) and as PKCS#8 PEM (to store). */
export async function generateKeyPair(): Promise<KeyPair> {
  const keys = (await webcrypto.subtle.generateKey(ecdsa, true, ["sign", "verify"])) as CryptoKeyPair;
  return { keys, pem: await pemOf(keys.privateKey) };
}

/** The WebCrypto pair of a stored EC P-256 PKCS#8 PEM key. */
export async function importKeyPair(pem: string): Promise<KeyPair> {
  const key = createPrivateKey(pem);
  const privateDer = key.export({ format: "der", type: "pkcs8" });
  // A private KeyObject carries its public half.
  const publicDer = createPublicKey(key).export({ format: "der", type: "spki" });
  const privateKey = (await webcrypto.subtle.importKey("pkcs8", privateDer, ecdsa, true, ["sign"])) as CryptoKey;
  const publicKey = (await webcrypto.subtle.importKey("spki", publicDer, ecdsa, true, ["verify"])) as CryptoKey;
  return { pem, keys: { privateKey, publicKey } };
}

async function pemOf(privateKey: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", privateKey));
  return createPrivateKey({ key: der, format: "der", type: "pkcs8" })
    .export({ format: "pem", type: "pkcs8" })
    .toString();
}

const sans = (hostnames: string[]) =>
  new x509.SubjectAlternativeNameExtension(hostnames.map((value) => ({ type: "dns" as const, value })));

/** A self-signed leaf for `hostnames` (the first is its CN), valid from a minute ago for `days`. */
export async function createSelfSignedCertificate(
  hostnames: string[],
  options: { days: number; now?: Date },
): Promise<{ certificatePem: string; keyPem: string }> {
  const { keys, pem } = await generateKeyPair();
  const now = options.now ?? new Date();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    // Positive, 16 random bytes: unique enough that browsers never see two with one serial.
    serialNumber: `01${randomBytes(15).toString("hex")}`,
    name: [{ CN: [hostnames[0] ?? "slipway"] }, { O: ["Slipway (self-signed)"] }],
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + options.days * 86_400_000),
    keys,
    signingAlgorithm: ecdsa,
    extensions: [
      sans(hostnames),
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificatePem: certificate.toString("pem"), keyPem: pem };
}

/** A PKCS#10 request for `hostnames`, signed with `keys`, as DER (what ACME's finalize takes). */
export async function createCertificateRequest(hostnames: string[], keys: CryptoKeyPair): Promise<Buffer> {
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [hostnames[0] ?? ""] }],
    keys,
    signingAlgorithm: ecdsa,
    extensions: [sans(hostnames)],
  });
  return Buffer.from(request.rawData);
}

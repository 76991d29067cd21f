import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const version = "v1";

/**
 * AES-256-GCM with the owning resource bound in as associated data: a value sealed for
 * one resource does not open for another, so rows cannot be swapped in the database.
 */
export type Secrets = {
  seal(plaintext: string, resource: string): string;
  open(sealed: string, resource: string): string;
  /** A key for another purpose (session signing, ...), derived so the master key itself never leaves. */
  deriveKey(purpose: string): Buffer;
};

export function createSecrets(masterKey: Buffer): Secrets {
  if (masterKey.length !== 32) throw new Error("the master key must be 32 bytes");
  const dataKey = Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), "slipway:secrets", 32));
  return {
    seal(plaintext, resource) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", dataKey, iv);
      cipher.setAAD(Buffer.from(resource));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [version, iv.toString("base64url"), body.toString("base64url"), tag.toString("base64url")].join(".");
    },
    open(sealed, resource) {
      const [v, iv, body, tag] = sealed.split(".");
      if (v !== version || !iv || body === undefined || !tag) throw new Error("not a sealed value");
      const decipher = createDecipheriv("aes-256-gcm", dataKey, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(resource));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    },
    deriveKey(purpose) {
      return Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), `slipway:${purpose}`, 32));
    },
  };
}

function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new Error("SLIPWAY_MASTER_KEY must be 32 bytes, as 64 hex digits or base64");
  return key;
}

/**
 * The master key from SLIPWAY_MASTER_KEY, or from `<dataDir>/master.key` (made 0600 on
 * first start). The variable is removed from this process's environment once read, so no
 * child process can inherit it.
 */
export function loadMasterKey(options: { fromEnv: string | undefined; dataDir: string }): {
  key: Buffer;
  source: "env" | "file";
} {
  if (options.fromEnv) {
    delete process.env.SLIPWAY_MASTER_KEY;
    return { key: parseKey(options.fromEnv), source: "env" };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const path = join(options.dataDir, "master.key");
  if (!existsSync(path)) {
    writeFileSync(path, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return { key: parseKey(readFileSync(path, "utf8")), source: "file" };
}

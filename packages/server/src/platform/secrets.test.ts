import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSecrets, loadMasterKey } from "./secrets.ts";

describe("secrets", () => {
  const secrets = createSecrets(randomBytes(32));

  it("opens what it sealed, and seals the same value differently each time", () => {
    const sealed = secrets.seal("postgres://app:hunter2@db/app", "env:prj_1:DATABASE_URL");
    expect(sealed).not.toContain("hunter2");
    expect(secrets.open(sealed, "env:prj_1:DATABASE_URL")).toBe("postgres://app:hunter2@db/app");
    expect(secrets.seal("postgres://app:hunter2@db/app", "env:prj_1:DATABASE_URL")).not.toBe(sealed);
    expect(secrets.open(secrets.seal("", "empty"), "empty")).toBe("");
  });

  it("does not open a value sealed for one resource as another's", () => {
    const sealed = secrets.seal("smtp-password", "smtp:team_1");
    expect(() => secrets.open(sealed, "smtp:team_2")).toThrow();
  });

  it("refuses a tampered value and one sealed under another key", () => {
    const sealed = secrets.seal("api-key-123", "token:tok_1");
    const [version, iv, body, tag] = sealed.split(".") as [string, string, string, string];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, "base64url");
      bytes[0] = (bytes[0] as number) ^ 1;
      return bytes.toString("base64url");
    };
    for (const tampered of [
      [version, iv, flip(body), tag],
      [version, iv, body, flip(tag)],
      [version, flip(iv), body, tag],
    ]) {
      expect(() => secrets.open(tampered.join("."), "token:tok_1")).toThrow();
    }
    expect(() => secrets.open(["v0", iv, body, tag].join("."), "token:tok_1")).toThrow("not a sealed value");
    expect(() => secrets.open("plain text", "token:tok_1")).toThrow("not a sealed value");
    expect(() => createSecrets(randomBytes(32)).open(sealed, "token:tok_1")).toThrow();
  });

  it("derives a stable key per purpose that differs from the others", () => {
    expect(secrets.deriveKey("sessions")).toEqual(secrets.deriveKey("sessions"));
    expect(secrets.deriveKey("sessions")).not.toEqual(secrets.deriveKey("webhooks"));
    expect(() => createSecrets(randomBytes(16))).toThrow("the master key must be 32 bytes");
  });
});

describe("loadMasterKey", () => {
  let dataDir: string;
  const keyFile = () => join(dataDir, "master.key");

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "slipway-secrets-"));
  });
  afterEach(() => {
    delete process.env.SLIPWAY_MASTER_KEY;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates a key file only its owner can read on first start and reuses it after", () => {
    const first = loadMasterKey({ fromEnv: undefined, dataDir });
    expect(first.source).toBe("file");
    expect(first.key).toHaveLength(32);
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);

    const second = loadMasterKey({ fromEnv: undefined, dataDir });
    expect(second.key).toEqual(first.key);
    const sealed = createSecrets(first.key).seal("kept across restarts", "r");
    expect(createSecrets(second.key).open(sealed, "r")).toBe("kept across restarts");
  });

  it("narrows a key file others can read back to 0600", () => {
    const { key } = loadMasterKey({ fromEnv: undefined, dataDir });
    chmodSync(keyFile(), 0o644);
    expect(loadMasterKey({ fromEnv: undefined, dataDir }).key).toEqual(key);
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
  });

  it("takes SLIPWAY_MASTER_KEY as hex or base64 and removes it from the environment", () => {
    const key = randomBytes(32);
    for (const text of [key.toString("hex"), key.toString("base64")]) {
      process.env.SLIPWAY_MASTER_KEY = text;
      const loaded = loadMasterKey({ fromEnv: process.env.SLIPWAY_MASTER_KEY, dataDir });
      expect(loaded).toEqual({ key, source: "env" });
      expect(process.env.SLIPWAY_MASTER_KEY).toBeUndefined();
      expect("SLIPWAY_MASTER_KEY" in process.env).toBe(false);
    }
    expect(existsSync(keyFile())).toBe(false);
  });

  it("refuses a SLIPWAY_MASTER_KEY that is not 32 bytes", () => {
    process.env.SLIPWAY_MASTER_KEY = randomBytes(16).toString("hex");
    expect(() => loadMasterKey({ fromEnv: process.env.SLIPWAY_MASTER_KEY, dataDir })).toThrow(
      "SLIPWAY_MASTER_KEY must be 32 bytes",
    );
  });
});

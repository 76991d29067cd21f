import { createHash } from "node:crypto";
import { tokenPattern, tokenPrefix } from "@slipway/contracts";
import { randomText } from "../../platform/ids.ts";

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text)) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function toBase62(value: number, width: number): string {
  let out = "";
  let n = value;
  for (let i = 0; i < width; i++) {
    out = base62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/**
 * `slw_` + 30 random base62 characters (~178 bits) + a 6-character CRC32 of them, like
 * GitHub's tokens: a scanner can tell a real Slipway token from noise without asking us.
 */
export function generateToken(): string {
  const body = randomText(30, base62);
  return `${tokenPrefix}${body}${toBase62(crc32(body), 6)}`;
}

export function hasValidChecksum(token: string): boolean {
  if (!tokenPattern.test(token)) return false;
  const body = token.slice(tokenPrefix.length, tokenPrefix.length + 30);
  return token.slice(-6) === toBase62(crc32(body), 6);
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

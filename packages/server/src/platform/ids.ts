import { randomBytes } from "node:crypto";

const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Random base36 text; 20 characters carry ~103 bits. */
export function randomText(length: number, chars = alphabet): string {
  const bytes = randomBytes(length * 2);
  let out = "";
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % chars.length);
  for (let i = 0; out.length < length; i++) {
    if (i >= bytes.length) return out + randomText(length - out.length, chars);
    const b = bytes[i] as number;
    if (b < limit) out += chars[b % chars.length];
  }
  return out;
}

/** Prefixed ids (`team_…`, `tok_…`) say what they point at when seen in a log. */
export function newId(prefix: string): string {
  return `${prefix}_${randomText(20)}`;
}

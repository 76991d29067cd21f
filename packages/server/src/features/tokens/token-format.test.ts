import { describe, expect, it } from "vitest";
import { generateToken, hashToken, hasValidChecksum } from "./token-format.ts";

describe("token format", () => {
  it("makes recognisable tokens whose checksum holds", () => {
    const token = generateToken();
    expect(token).toMatch(/^slw_[0-9A-Za-z]{36}$/);
    expect(hasValidChecksum(token)).toBe(true);
  });

  it("spots a token with one character changed", () => {
    const token = generateToken();
    const last = token.at(-8) === "a" ? "b" : "a";
    const typo = `${token.slice(0, -8)}${last}${token.slice(-7)}`;
    expect(hasValidChecksum(typo)).toBe(false);
  });

  it("never makes the same token twice and hashes deterministically", () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateToken));
    expect(tokens.size).toBe(1000);
    const [first] = tokens;
    expect(hashToken(first as string)).toBe(hashToken(first as string));
    expect(hashToken(first as string)).not.toContain(first as string);
  });
});

import { describe, expect, it } from "vitest";
import { judgePassword } from "./password-policy.ts";

describe("password policy", () => {
  it("refuses passwords shorter than 10 characters", () => {
    expect(judgePassword("Ab3$xyz").isAcceptable).toBe(false);
  });

  it("refuses common and leaked passwords even when long enough", () => {
    for (const password of ["password123", "qwertyuiop", "1234567890", "iloveyou12"]) {
      expect(judgePassword(password).isAcceptable, password).toBe(false);
    }
  });

  it("refuses a password built from the account's own email", () => {
    expect(judgePassword("ada.lovelace2024", ["ada.lovelace@example.com", "ada", "lovelace"]).isAcceptable).toBe(false);
  });

  it("accepts a long passphrase", () => {
    const verdict = judgePassword("correct-horse-battery-staple-9");
    expect(verdict).toMatchObject({ isAcceptable: true, warning: null });
    expect(verdict.score).toBe(4);
  });
});

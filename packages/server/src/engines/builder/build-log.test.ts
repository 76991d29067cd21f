import { describe, expect, it } from "vitest";
import { createSecretMasker } from "./build-log.ts";

describe("secret masking", () => {
  it("replaces every occurrence of each secret, longest first", () => {
    const mask = createSecretMasker(["hunter22", "hunter22-extended", "abc"]);
    expect(mask("a=hunter22 b=hunter22-extended c=hunter22")).toBe("a=•••••• b=•••••• c=••••••");
  });

  it("leaves values shorter than 4 characters alone", () => {
    expect(createSecretMasker(["abc", ""])("abc is fine")).toBe("abc is fine");
  });

  it("treats secrets as text, not patterns", () => {
    expect(createSecretMasker(["a.b*c+"])("x a.b*c+ y aXbbc")).toBe("x •••••• y aXbbc");
  });
});

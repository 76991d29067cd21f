import { describe, expect, it } from "vitest";
import { encodePath, requestPath } from "./request-path.ts";

describe("requestPath", () => {
  it.each([
    ["/", "/"],
    ["/index.html", "/index.html"],
    ["/assets/index-3f2a1b9c.js?v=1", "/assets/index-3f2a1b9c.js"],
    ["/docs/", "/docs/"],
    ["/a//b", "/a/b"],
    ["/a/./b", "/a/b"],
    ["/a/.", "/a/"],
    ["/caf%C3%A9.html", "/café.html"],
    ["/with%20space.txt", "/with space.txt"],
    ["/.well-known/security.txt", "/.well-known/security.txt"],
    ["/a..b/c...d", "/a..b/c...d"],
  ])("%s → %s", (target, path) => expect(requestPath(target)).toBe(path));

  it.each([
    ["a raw .. segment", "/../secret"],
    ["a raw .. segment deeper", "/assets/../../secret"],
    ["an encoded .. segment", "/%2e%2e/secret"],
    ["a mixed-case encoded .. segment", "/assets/%2E%2e/secret"],
    ["a half-encoded .. segment", "/.%2e/secret"],
    ["an encoded slash", "/..%2fsecret"],
    ["an encoded slash alone", "/a%2Fb"],
    ["an encoded backslash", "/..%5csecret"],
    ["a raw backslash", "/..\\secret"],
    ["a NUL", "/index.html%00.png"],
    ["malformed percent-encoding", "/%E0%A4%A"],
    ["no leading slash", "index.html"],
    ["an absolute-form target", "http://evil.test/"],
    ["an asterisk", "*"],
  ])("refuses %s", (_, target) => expect(requestPath(target)).toBeNull());
});

describe("encodePath", () => {
  it("percent-encodes each segment and keeps the slashes", () => {
    expect(encodePath("/café/a b?#/")).toBe("/caf%C3%A9/a%20b%3F%23/");
  });
});

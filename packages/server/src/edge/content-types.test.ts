import { describe, expect, it } from "vitest";
import { contentTypeOf, extensionOf, isHashedAssetName } from "./content-types.ts";

describe("contentTypeOf", () => {
  it.each([
    ["/index.html", "text/html; charset=utf-8", true],
    ["/assets/app.JS", "text/javascript; charset=utf-8", true],
    ["/style.css", "text/css; charset=utf-8", true],
    ["/data.json", "application/json; charset=utf-8", true],
    ["/logo.svg", "image/svg+xml; charset=utf-8", true],
    ["/logo.png", "image/png", false],
    ["/font.woff2", "font/woff2", false],
    ["/app.wasm", "application/wasm", true],
    ["/archive.unknown", "application/octet-stream", false],
    ["/LICENSE", "application/octet-stream", false],
  ])("%s → %s", (path, type, compressible) => expect(contentTypeOf(path)).toEqual({ type, compressible }));

  it("takes the extension of the last segment only", () => {
    expect(extensionOf("/v1.2/readme")).toBe("");
    expect(extensionOf("/.env")).toBe("");
    expect(extensionOf("/a/b.tar.gz")).toBe("gz");
  });
});

describe("isHashedAssetName", () => {
  it.each([
    "/assets/index-3f2a1b9c.js",
    "/assets/index-BxN3aQ_k.css",
    "/assets/LoginPage-DiwrgTda.js",
    "/static/js/main.3f2a1b9c.chunk.js",
    "/3f2a1b9c5d6e.js",
    "/chunk-2ZQDJN4F.js",
    "/assets/logo-a1b2c3d4.png",
  ])("%s is hashed", (path) => expect(isHashedAssetName(path)).toBe(true));

  it.each([
    "/index.html",
    "/assets/index-3f2a1b9c.html",
    "/app.js",
    "/my-component.js",
    "/react-dom.production.min.js",
    "/TodoList.js",
    "/favicon.ico",
    "/deadbeef-notes.txt",
    "/abcdefgh.js",
  ])("%s is not", (path) => expect(isHashedAssetName(path)).toBe(false));
});

import { describe, expect, it } from "vitest";
import { parseHead } from "./request-head.ts";

const head = (...lines: string[]) => lines.join("\r\n");

describe("parseHead", () => {
  it("reads a browser's GET", () => {
    const text = head(
      "GET /assets/app.js?v=2 HTTP/1.1",
      "Host: shop.slipway.test",
      "Connection: keep-alive",
      "Accept: */*",
      "Accept-Encoding: gzip, deflate, br",
      'If-None-Match: "abc"',
      "If-Modified-Since: Thu, 26 Nov 2026 09:30:35 GMT",
      "User-Agent: Mozilla/5.0 (X11; Linux x86_64)",
      "Cookie: a=b",
    );
    expect(parseHead(text)).toEqual({
      head: false,
      target: "/assets/app.js?v=2",
      host: "shop.slipway.test",
      accept: "*/*",
      acceptEncoding: "gzip, deflate, br",
      ifNoneMatch: '"abc"',
      ifModifiedSince: "Thu, 26 Nov 2026 09:30:35 GMT",
    });
  });

  it("reads HEAD and any header-name case", () => {
    expect(parseHead(head("HEAD / HTTP/1.1", "hOsT:a.test"))).toEqual({ head: true, target: "/", host: "a.test" });
  });

  it.each([
    ["another method", head("POST / HTTP/1.1", "Host: a.test")],
    ["a lower-case method", head("get / HTTP/1.1", "Host: a.test")],
    ["HTTP/1.0", head("GET / HTTP/1.0", "Host: a.test")],
    ["HTTP/2 upgrade-ish versions", head("GET / HTTP/2.0", "Host: a.test")],
    ["two spaces", head("GET  / HTTP/1.1", "Host: a.test")],
    ["a space in the target", head("GET /a b HTTP/1.1", "Host: a.test")],
    ["an absolute-form target", head("GET http://a.test/ HTTP/1.1", "Host: a.test")],
    ["no Host", head("GET / HTTP/1.1", "Accept: */*")],
    ["two Hosts", head("GET / HTTP/1.1", "Host: a.test", "Host: b.test")],
    ["a space before the colon", head("GET / HTTP/1.1", "Host : a.test")],
    ["an empty header name", head("GET / HTTP/1.1", "Host: a.test", ": x")],
    ["a line without a colon", head("GET / HTTP/1.1", "Host: a.test", "junk")],
    ["obs-fold", head("GET / HTTP/1.1", "Host: a.test", "X-A: 1", " 2")],
    ["a bare LF", "GET / HTTP/1.1\nHost: a.test"],
    ["a bare CR", "GET / HTTP/1.1\rHost: a.test"],
    ["a NUL", head("GET /\0 HTTP/1.1", "Host: a.test")],
    ["non-ASCII bytes", head("GET /caf\u00e9 HTTP/1.1", "Host: a.test")],
    ["a body (Content-Length)", head("GET / HTTP/1.1", "Host: a.test", "Content-Length: 0")],
    ["a body (Transfer-Encoding)", head("GET / HTTP/1.1", "Host: a.test", "Transfer-Encoding: chunked")],
    ["Range", head("GET / HTTP/1.1", "Host: a.test", "Range: bytes=0-1")],
    ["If-Range", head("GET / HTTP/1.1", "Host: a.test", 'If-Range: "a"')],
    ["Expect", head("GET / HTTP/1.1", "Host: a.test", "Expect: 100-continue")],
    ["Upgrade", head("GET / HTTP/1.1", "Host: a.test", "Connection: Upgrade", "Upgrade: websocket")],
    ["Connection: close", head("GET / HTTP/1.1", "Host: a.test", "Connection: close")],
    ["two Accept-Encoding", head("GET / HTTP/1.1", "Host: a.test", "Accept-Encoding: br", "Accept-Encoding: gzip")],
    ["two If-None-Match", head("GET / HTTP/1.1", "Host: a.test", 'If-None-Match: "a"', 'If-None-Match: "b"')],
  ])("leaves %s to node:http", (_, text) => expect(parseHead(text)).toBeNull());
});

import { describe, expect, it } from "vitest";
import {
  acceptedEncodings,
  etagMatches,
  ifRangeHolds,
  isNotModified,
  notModifiedSince,
  parseRange,
} from "./http-negotiation.ts";

describe("acceptedEncodings", () => {
  it.each([
    [undefined, []],
    ["", []],
    ["gzip, deflate, br, zstd", ["br", "gzip"]],
    ["gzip", ["gzip"]],
    ["br", ["br"]],
    ["br;q=0, gzip", ["gzip"]],
    ["gzip;q=1.0, br;q=0.5", ["gzip", "br"]],
    ["gzip;q=0.5, br;q=0.5", ["br", "gzip"]],
    ["*", ["br", "gzip"]],
    ["*;q=0", []],
    ["identity", []],
    ["GZIP", ["gzip"]],
    ["x-gzip", ["gzip"]],
    ["gzip;q=nonsense", []],
  ])("%s → %j", (header, expected) => expect(acceptedEncodings(header)).toEqual(expected));
});

describe("conditionals", () => {
  const etag = '"abc"';
  const lastModified = "Thu, 26 Nov 2026 09:30:35 GMT";
  const mtimeMs = Date.parse(lastModified) + 420;

  it("matches If-None-Match weakly, in lists and with *", () => {
    expect(etagMatches('"abc"', etag)).toBe(true);
    expect(etagMatches('W/"abc"', etag)).toBe(true);
    expect(etagMatches('"x", "abc"', etag)).toBe(true);
    expect(etagMatches("*", etag)).toBe(true);
    expect(etagMatches('"abd"', etag)).toBe(false);
  });

  it("compares If-Modified-Since to the second", () => {
    expect(notModifiedSince(lastModified, lastModified, mtimeMs)).toBe(true);
    expect(notModifiedSince("Thu, 26 Nov 2026 10:00:00 GMT", lastModified, mtimeMs)).toBe(true);
    expect(notModifiedSince("Thu, 26 Nov 2026 09:30:34 GMT", lastModified, mtimeMs)).toBe(false);
    expect(notModifiedSince("not a date", lastModified, mtimeMs)).toBe(false);
  });

  it("lets If-None-Match decide when both are sent", () => {
    expect(isNotModified('"other"', lastModified, etag, lastModified, mtimeMs)).toBe(false);
    expect(isNotModified(undefined, lastModified, etag, lastModified, mtimeMs)).toBe(true);
    expect(isNotModified(undefined, undefined, etag, lastModified, mtimeMs)).toBe(false);
  });

  it("honours If-Range only while it names this representation", () => {
    expect(ifRangeHolds(undefined, etag, lastModified)).toBe(true);
    expect(ifRangeHolds(etag, etag, lastModified)).toBe(true);
    expect(ifRangeHolds('"old"', etag, lastModified)).toBe(false);
    expect(ifRangeHolds(lastModified, etag, lastModified)).toBe(true);
    expect(ifRangeHolds("Wed, 25 Nov 2026 00:00:00 GMT", etag, lastModified)).toBe(false);
  });
});

describe("parseRange", () => {
  it.each([
    ["bytes=0-9", 100, { start: 0, end: 9 }],
    ["bytes=90-", 100, { start: 90, end: 99 }],
    ["bytes=-10", 100, { start: 90, end: 99 }],
    ["bytes=-1000", 100, { start: 0, end: 99 }],
    ["bytes=50-1000", 100, { start: 50, end: 99 }],
    ["BYTES=0-0", 100, { start: 0, end: 0 }],
    ["bytes=100-", 100, "unsatisfiable"],
    ["bytes=200-300", 100, "unsatisfiable"],
    ["bytes=-0", 100, "unsatisfiable"],
    ["bytes=0-", 0, "unsatisfiable"],
    ["bytes=9-0", 100, null],
    ["bytes=0-9,20-29", 100, null],
    ["bytes=-", 100, null],
    ["items=0-9", 100, null],
    ["bytes=abc", 100, null],
  ])("%s of %i → %j", (header, size, expected) => expect(parseRange(header, size)).toEqual(expected));
});

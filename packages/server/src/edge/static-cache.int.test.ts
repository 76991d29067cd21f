import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Resolution, StaticCache } from "./static-cache.ts";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "slipway-edge-cache-"));
  for (let i = 0; i < 8; i++) writeFileSync(join(dir, `f${i}.png`), Buffer.alloc(10_000, i));
  writeFileSync(join(dir, "big.png"), Buffer.alloc(300_000, 1));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(resolution: Resolution | Promise<Resolution>) {
  if (resolution instanceof Promise) throw new Error("expected a remembered resolution");
  if (resolution.kind !== "file") throw new Error(`expected a file, got ${resolution.kind}`);
  return resolution.entry;
}

describe("StaticCache", () => {
  it("resolves once, then answers synchronously", async () => {
    const cache = new StaticCache();
    const first = cache.resolve(dir, "/f0.png");
    expect(first).toBeInstanceOf(Promise);
    const entry = file(await first);
    expect(file(cache.resolve(dir, "/f0.png"))).toBe(entry);
    expect(entry.identity.body?.length).toBe(10_000);
    expect(cache.resolve(dir, "/nope.png")).toBeInstanceOf(Promise);
    expect(await cache.resolve(dir, "/nope.png")).toEqual({ kind: "missing" });
    expect(cache.resolve(dir, "/nope.png")).toEqual({ kind: "missing" });
  });

  it("loads a file once for concurrent requests and for every path that names it", async () => {
    const cache = new StaticCache();
    const [a, b] = await Promise.all([cache.resolve(dir, "/f1.png"), cache.resolve(dir, "/f1.png")]);
    expect(file(a)).toBe(file(b));
    expect(cache.bytes).toBe(file(a).bytes);
  });

  it("keeps files over the size limit on disk: hash and headers only", async () => {
    const cache = new StaticCache({ maxFileBytes: 100_000 });
    const entry = file(await cache.resolve(dir, "/big.png"));
    expect(entry.identity.body).toBeNull();
    expect(entry.size).toBe(300_000);
    expect(entry.identity.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(cache.bytes).toBeLessThan(2000);
  });

  it("stays within its byte budget, least recently used out first", async () => {
    const cache = new StaticCache({ maxBytes: 40_000 });
    for (const i of [0, 1, 2]) await cache.resolve(dir, `/f${i}.png`);
    file(cache.resolve(dir, "/f0.png")); // f0 used again: f1 is now the oldest
    await cache.resolve(dir, "/f3.png");
    expect(cache.bytes).toBeLessThanOrEqual(40_000);
    expect(cache.resolve(dir, "/f0.png")).not.toBeInstanceOf(Promise);
    expect(cache.resolve(dir, "/f1.png")).toBeInstanceOf(Promise);
  });

  it("forgets an artifact directory", async () => {
    const cache = new StaticCache();
    await cache.resolve(dir, "/f2.png");
    cache.forget(dir);
    expect(cache.bytes).toBe(0);
    expect(cache.resolve(dir, "/f2.png")).toBeInstanceOf(Promise);
  });
});

import { describe, expect, it } from "vitest";
import { createInvocationLog, maxLogBytes, parseHostLine } from "./invocation-log.ts";

describe("invocation log", () => {
  it("tells a host's tagged lines and end markers from plain output", () => {
    expect(parseHostLine("\x1finv_1\x1fhello")).toEqual({ kind: "line", invocationId: "inv_1", text: "hello" });
    expect(parseHostLine("\x1finv_1\x1e")).toEqual({ kind: "end", invocationId: "inv_1" });
    expect(parseHostLine("plain \x1f text")).toEqual({ kind: "untagged", text: "plain \x1f text" });
  });

  it("stops keeping lines at 64 KiB, cuts an endless line, and says how many more there were", () => {
    const log = createInvocationLog("inv_1");
    log.push("stdout", "x".repeat(100_000));
    for (let i = 0; i < 20; i++) log.push("stderr", "y".repeat(4_000));
    const lines = log.lines();
    expect(lines[0]).toHaveLength(8 * 1024 + 1);
    expect(lines.slice(0, -1).reduce((bytes, line) => bytes + Buffer.byteLength(line), 0)).toBeLessThanOrEqual(
      maxLogBytes,
    );
    expect(lines.at(-1)).toMatch(/^… \d+ more lines$/);
    expect(lines[1]).toMatch(/^\[stderr\] y+$/);
  });

  it("waits for both streams' end markers, or for the time given, then expects the next request", async () => {
    const log = createInvocationLog("inv_1");
    setTimeout(() => log.markEnded("stdout"), 10);
    setTimeout(() => log.markEnded("stderr"), 20);
    const started = performance.now();
    await log.drained(5_000);
    expect(performance.now() - started).toBeLessThan(1_000);
    log.markEnded("stdout");
    const waited = performance.now();
    await log.drained(100);
    expect(performance.now() - waited).toBeGreaterThanOrEqual(90);
  });

  it("waits only for the end markers of the streams the host says the invocation printed on", async () => {
    const log = createInvocationLog("inv_1");
    const started = performance.now();
    await log.drained(5_000, "none");
    setTimeout(() => log.markEnded("stderr"), 10);
    await log.drained(5_000, "stderr");
    expect(performance.now() - started).toBeLessThan(1_000);
    // The next request closes both again unless its host says otherwise.
    log.markEnded("stderr");
    const waited = performance.now();
    await log.drained(100);
    expect(performance.now() - waited).toBeGreaterThanOrEqual(90);
  });
});

import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../testing/test-store.ts";
import { findProcesses, openTestSandbox, uniqueSleepSeconds } from "./sandbox-fixtures.ts";

describe("sandbox limits", () => {
  let box: Awaited<ReturnType<typeof openTestSandbox>>;

  beforeAll(async () => {
    box = await openTestSandbox();
  });
  afterAll(() => box?.destroy());

  it("kills a memory hog and reports it out of memory", async () => {
    const hog = "node -e 'const keep = []; for (;;) keep.push(Buffer.alloc(16 << 20, 1))'";
    const result = await box.run(hog, { limits: { memoryMb: 128 } });
    expect(result.isOutOfMemory).toBe(true);
    expect(result.exitCode).not.toBe(0);
    expect(result.isTimedOut).toBe(false);
  });

  it("stops a fork bomb at the pids limit and ends the run", async () => {
    const marker = uniqueSleepSeconds();
    const bomb = `while :; do sleep ${marker} & done`;
    const result = await box.run(bomb, { limits: { pids: 32, timeoutSeconds: 20 } });
    expect(result.hasHitPidsLimit).toBe(true);
    // The shell gives up when fork fails; the run ends with it, long before the wall clock.
    expect(result.isTimedOut).toBe(false);
    expect(result.exitCode).not.toBe(0);
    expect(await findProcesses(marker)).toEqual([]);
  });

  it("kills a command that outlives its wall-clock limit", async () => {
    const marker = uniqueSleepSeconds();
    const result = await box.run(`sleep ${marker}`, { limits: { timeoutSeconds: 1 } });
    expect(result).toMatchObject({ isTimedOut: true, isCanceled: false, exitCode: null, signal: "SIGKILL" });
    expect(result.durationMs).toBeLessThan(10_000);
    expect(await findProcesses(marker)).toEqual([]);
  });

  it("cancels a tree of processes at once and leaves none behind", async () => {
    const marker = uniqueSleepSeconds();
    const controller = new AbortController();
    const running = box.run(`for i in 1 2 3 4 5; do (sleep ${marker}; echo late) & done; sleep ${marker}; wait`, {
      signal: controller.signal,
    });
    await waitFor("the sleeps to start", async () => (await findProcesses(`sleep ${marker}`)).length >= 6);
    const abortedAt = performance.now();
    controller.abort();
    const result = await running;
    expect(performance.now() - abortedAt).toBeLessThan(2_000);
    expect(result).toMatchObject({ isCanceled: true, isTimedOut: false, exitCode: null });
    expect(result.stdout).not.toContain("late");
    expect(await findProcesses(marker)).toEqual([]);
  });

  it("leaves no background process behind once the command exits", async () => {
    const marker = uniqueSleepSeconds();
    const result = await box.run(`(setsid sleep ${marker} &) ; echo started`);
    expect(result.stdout).toEqual(["started"]);
    await sleep(100);
    expect(await findProcesses(marker)).toEqual([]);
  });

  it("does not start a command whose signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await box.run("echo never", { signal: controller.signal });
    expect(result).toMatchObject({ isCanceled: true, exitCode: null });
    expect(result.lines).toEqual([]);
  });

  it("falls back to prlimit where cgroups cannot be written, and says so", async () => {
    const fallback = await openTestSandbox({ cgroupRoot: "/nonexistent/cgroup" });
    try {
      expect(await fallback.sandbox.isolation()).toMatchObject({ memoryLimit: "prlimit", cpuLimit: "none" });
      const hog = "node -e 'const keep = []; for (;;) keep.push(Buffer.alloc(16 << 20, 1))'";
      const result = await fallback.run(hog, { limits: { memoryMb: 256, timeoutSeconds: 30 } });
      expect(result.exitCode).not.toBe(0);
      expect(result.isTimedOut).toBe(false);
    } finally {
      await fallback.destroy();
    }
  });
});

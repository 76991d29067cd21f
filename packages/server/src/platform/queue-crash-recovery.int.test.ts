import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { inArray } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { testStores } from "../testing/harness.ts";
import { createTestStore, type TestStoreLocation, testLogger, waitFor } from "../testing/test-store.ts";
import { jobs } from "./platform.tables.ts";
import { createQueue } from "./queue.ts";

const workerScript = resolve(import.meta.dirname, "../testing/hanging-job-worker.ts");
const jobName = "test.hang";
/** Short, so a killed worker's jobs are up for grabs within seconds; long enough that a live one keeps them. */
const leaseMs = 4000;

type RunningJob = { index: number; id: string; attempt: number; workerId: string };

/** Starts a worker process that claims one hanging job per entry of maxAttempts and waits for all to be running. */
async function startHangingWorker(location: TestStoreLocation, maxAttempts: number[]) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", workerScript, JSON.stringify({ ...location.options, jobName, leaseMs, maxAttempts })],
    { cwd: import.meta.dirname, stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = once(child, "exit");
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const running: RunningJob[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    running.push(JSON.parse(line) as RunningJob);
  });
  await waitFor(
    "the worker to run its jobs",
    () => {
      if (child.exitCode !== null) throw new Error(`the worker exited with ${child.exitCode}: ${stderr}`);
      return running.length === maxAttempts.length && running.sort((a, b) => a.index - b.index);
    },
    { timeoutMs: 60_000 },
  );
  return { child, running, exited };
}

describe.each(testStores)("queue crash recovery on %s", (kind) => {
  let location: TestStoreLocation;
  let child: ChildProcess | null = null;

  beforeEach(async () => {
    location = await createTestStore(kind);
  });
  afterEach(async () => {
    if (child?.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await once(child, "exit");
    }
    await location?.destroy();
  });

  // Two cold starts of a worker process and, on PGlite, two store opens: slow on a loaded machine.
  it("runs a job that was in flight when its worker was killed again, and fails one that was on its last attempt", {
    timeout: 180_000,
  }, async () => {
    // Another node on the same database, open before the worker starts (PGlite has one owner at a time).
    const observer = kind === "postgres" ? await location.open() : null;
    const worker = await startHangingWorker(location, [3, 1]);
    child = worker.child;
    const [again, spent] = worker.running as [RunningJob, RunningJob];
    expect([again.attempt, spent.attempt]).toEqual([1, 1]);
    if (observer) {
      // While the worker lives its leases are fresh: nobody else takes its jobs.
      expect(await createQueue({ db: observer.db, logger: testLogger }).reclaimExpired()).toBe(0);
      await observer.close();
    }

    worker.child.kill("SIGKILL");
    const [, signal] = await worker.exited;
    expect(signal).toBe("SIGKILL");

    // PGlite: the next owner of a data dir whose last owner was killed mid-write.
    const store = await location.open();
    const queue = createQueue({ db: store.db, logger: testLogger });
    const ids = [again.id, spent.id];
    const left = await store.db.select().from(jobs).where(inArray(jobs.id, ids));
    expect(left.map((row) => [row.status, row.lockedBy])).toEqual([
      ["running", again.workerId],
      ["running", again.workerId],
    ]);

    if (kind === "pglite") {
      // Embedded mode has one process: whatever was running at start belonged to a dead one.
      expect(await queue.reclaimExpired({ all: true })).toBe(2);
    } else {
      let reclaimed = 0;
      await waitFor("the dead worker's leases to run out", async () => {
        reclaimed += await queue.reclaimExpired();
        return reclaimed === 2;
      });
    }

    const runs: number[] = [];
    queue.define({
      name: jobName,
      payload: z.object({ index: z.number() }),
      handler: async ({ index }, { attempt }) => {
        runs.push(index);
        return { index, attempt };
      },
    });
    await queue.drain();

    expect(runs).toEqual([again.index]);
    expect(await queue.get(again.id)).toMatchObject({
      status: "succeeded",
      attempts: 2,
      result: { index: again.index, attempt: 2 },
    });
    expect(await queue.get(spent.id)).toMatchObject({
      status: "failed",
      attempts: 1,
      lockedBy: null,
      lastError: "the worker running this job stopped before it finished",
      finishedAt: expect.any(Date),
    });
  });
});

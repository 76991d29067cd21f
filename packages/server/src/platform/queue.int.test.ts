import { setTimeout as sleep } from "node:timers/promises";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { testStores } from "../testing/harness.ts";
import { openTestStore, type TestStoreLocation, testLogger, waitFor } from "../testing/test-store.ts";
import type { Db } from "./db.ts";
import { jobs } from "./platform.tables.ts";
import { createQueue, DeferJob } from "./queue.ts";

const payload = z.object({ n: z.number() });
let jobCounter = 0;
/** Jobs of earlier tests stay in the table; a name of its own keeps each test's queue to its jobs. */
const uniqueJobName = (label: string) => `test.${label}.${++jobCounter}`;

/** Stands in for waiting out a retry's backoff: the queued jobs become due now. */
async function makeDue(db: Db, ids: string[]) {
  await db.update(jobs).set({ runAt: sql`now()` }).where(inArray(jobs.id, ids));
}

describe.each(testStores)("queue on %s", (kind) => {
  let handle: TestStoreLocation & { db: Db };

  beforeAll(async () => {
    handle = await openTestStore(kind);
  });
  afterAll(() => handle?.destroy());

  const newQueue = () => createQueue({ db: handle.db, logger: testLogger });

  it("runs a job once and records its result", async () => {
    const queue = newQueue();
    const runs: number[] = [];
    const job = queue.define({
      name: uniqueJobName("double"),
      payload,
      handler: async ({ n }) => {
        runs.push(n);
        return { doubled: n * 2 };
      },
    });
    const id = await queue.enqueue(handle.db, job, { n: 21 });
    await queue.drain();
    await queue.drain();
    expect(runs).toEqual([21]);
    expect(await queue.get(id as string)).toMatchObject({
      status: "succeeded",
      attempts: 1,
      result: { doubled: 42 },
      lockedBy: null,
      lastError: null,
      finishedAt: expect.any(Date),
    });
  });

  it("puts a deferred job back without spending an attempt", async () => {
    const queue = newQueue();
    let calls = 0;
    const job = queue.define({
      name: uniqueJobName("deferred"),
      payload,
      maxAttempts: 1,
      handler: async () => {
        calls++;
        if (calls < 3) throw new DeferJob("slot taken", 60_000);
        return "ran";
      },
    });
    const id = (await queue.enqueue(handle.db, job, { n: 1 })) as string;
    for (let i = 0; i < 3; i++) {
      await queue.drain();
      await makeDue(handle.db, [id]);
    }
    expect(calls).toBe(3);
    expect(await queue.get(id)).toMatchObject({ status: "succeeded", attempts: 1, result: "ran" });
  });

  it("refuses a payload that does not match the job's schema", async () => {
    const queue = newQueue();
    const job = queue.define({ name: uniqueJobName("typed"), payload, handler: async () => null });
    await expect(queue.enqueue(handle.db, job, { n: "not a number" } as unknown as { n: number })).rejects.toThrow();
  });

  it("retries a failing job after its backoff and fails it with the last error after maxAttempts", async () => {
    const queue = newQueue();
    const attempts: number[] = [];
    const job = queue.define({
      name: uniqueJobName("flaky"),
      payload,
      maxAttempts: 3,
      backoffMs: (attempt) => attempt * 3_600_000,
      handler: async (_payload, { attempt }) => {
        attempts.push(attempt);
        throw new Error(`boom ${attempt}`);
      },
    });
    const id = (await queue.enqueue(handle.db, job, { n: 1 })) as string;

    for (const attempt of [1, 2]) {
      const before = Date.now();
      await queue.drain();
      const row = await queue.get(id);
      expect(row).toMatchObject({
        status: "queued",
        attempts: attempt,
        lastError: `boom ${attempt}`,
        finishedAt: null,
      });
      expect(row?.runAt.getTime()).toBeGreaterThanOrEqual(before + attempt * 3_600_000);
      // Still backing off: draining again does not run it.
      await queue.drain();
      expect(attempts).toHaveLength(attempt);
      await makeDue(handle.db, [id]);
    }

    await queue.drain();
    expect(attempts).toEqual([1, 2, 3]);
    expect(await queue.get(id)).toMatchObject({
      status: "failed",
      attempts: 3,
      lastError: "boom 3",
      lockedBy: null,
      finishedAt: expect.any(Date),
    });
  });

  it("fails an attempt that runs past the job's timeout", async () => {
    const queue = newQueue();
    let release = () => {};
    const job = queue.define({
      name: uniqueJobName("slow"),
      payload,
      timeoutMs: 100,
      maxAttempts: 1,
      handler: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    });
    const id = (await queue.enqueue(handle.db, job, { n: 1 })) as string;
    await queue.drain();
    release();
    expect(await queue.get(id)).toMatchObject({ status: "failed", attempts: 1, lastError: "timed out after 100 ms" });
  });

  it("keeps one job per dedupe key while it waits, and takes a new one once it finished", async () => {
    const queue = newQueue();
    const runs: number[] = [];
    const job = queue.define({
      name: uniqueJobName("dedupe"),
      payload,
      handler: async ({ n }) => {
        runs.push(n);
      },
    });
    const first = await queue.enqueue(handle.db, job, { n: 1 }, { dedupeKey: "rebuild:app_1" });
    const second = await queue.enqueue(handle.db, job, { n: 2 }, { dedupeKey: "rebuild:app_1" });
    expect(first).toEqual(expect.any(String));
    expect(second).toBeNull();
    expect(await handle.db.select().from(jobs).where(eq(jobs.dedupeKey, "rebuild:app_1"))).toHaveLength(1);

    await queue.drain();
    expect(runs).toEqual([1]);
    const third = await queue.enqueue(handle.db, job, { n: 3 }, { dedupeKey: "rebuild:app_1" });
    expect(third).toEqual(expect.any(String));
    expect(third).not.toBe(first);
    await queue.drain();
    expect(runs).toEqual([1, 3]);
  });

  it("drains jobs that running jobs enqueue, and leaves jobs that are not due yet", async () => {
    const queue = newQueue();
    const runs: string[] = [];
    const follow = queue.define({
      name: uniqueJobName("follow"),
      payload,
      handler: async ({ n }) => {
        runs.push(`follow ${n}`);
      },
    });
    const start = queue.define({
      name: uniqueJobName("start"),
      payload,
      handler: async ({ n }) => {
        runs.push(`start ${n}`);
        await queue.enqueue(handle.db, follow, { n });
      },
    });
    const later = await queue.enqueue(handle.db, follow, { n: 99 }, { runAt: new Date(Date.now() + 3_600_000) });
    await queue.enqueue(handle.db, start, { n: 1 });
    await queue.enqueue(handle.db, start, { n: 2 });
    await queue.drain();
    expect(runs.sort()).toEqual(["follow 1", "follow 2", "start 1", "start 2"]);
    expect(await queue.get(later as string)).toMatchObject({ status: "queued", attempts: 0 });
  });

  it("does not let a worker that lost a job's lease overwrite the outcome of the worker that took it over", async () => {
    const name = uniqueJobName("stalled");
    let releaseStalled = () => {};
    const stalled = createQueue({ db: handle.db, logger: testLogger, workerId: "stalled" });
    const job = stalled.define({
      name,
      payload,
      handler: async () => {
        await new Promise<void>((resolve) => {
          releaseStalled = resolve;
        });
        throw new Error("the stalled worker woke up and failed");
      },
    });
    const id = (await stalled.enqueue(handle.db, job, { n: 1 })) as string;
    const stalledRun = stalled.drain();
    await waitFor("the stalled worker to hold the job", async () => (await stalled.get(id))?.lockedBy === "stalled");

    // Its lease is taken from it (as when its process stalls past the lease) and another worker finishes the job.
    const successor = createQueue({ db: handle.db, logger: testLogger, workerId: "successor" });
    successor.define({ name, payload, handler: async () => ({ by: "successor" }) });
    expect(await successor.reclaimExpired({ all: true })).toBe(1);
    await successor.drain();
    releaseStalled();
    await stalledRun;

    expect(await successor.get(id)).toMatchObject({ status: "succeeded", attempts: 2, result: { by: "successor" } });
  });

  it.runIf(kind === "postgres")("never runs a job twice when two workers on one database compete", async () => {
    const stores = [await handle.open(), await handle.open()];
    const name = uniqueJobName("contended");
    const runs: { n: number; workerId: string }[] = [];
    const workers = stores.map((store, index) => {
      const queue = createQueue({
        db: store.db,
        logger: testLogger,
        workerId: `worker-${index}`,
        pollMs: 20,
        concurrency: 8,
      });
      const job = queue.define({
        name,
        payload,
        handler: async ({ n }) => {
          runs.push({ n, workerId: queue.workerId });
          await sleep(2);
        },
      });
      return { queue, job };
    });
    const queues = workers.map((worker) => worker.queue);
    const ids = await handle.db.transaction(async (tx) => {
      const enqueued: string[] = [];
      for (let n = 0; n < 200; n++) {
        const worker = workers[n % 2] as (typeof workers)[number];
        enqueued.push((await worker.queue.enqueue(tx, worker.job, { n })) as string);
      }
      return enqueued;
    });

    for (const queue of queues) queue.start();
    await waitFor("all 200 jobs to finish", async () => {
      const rows = await handle.db.select({ status: jobs.status }).from(jobs).where(eq(jobs.name, name));
      return rows.every((row) => row.status === "succeeded");
    });
    await Promise.all(queues.map((queue) => queue.stop()));

    expect(runs).toHaveLength(200);
    expect(new Set(runs.map((run) => run.n)).size).toBe(200);
    expect(new Set(runs.map((run) => run.workerId))).toEqual(new Set(["worker-0", "worker-1"]));
    const rows = await handle.db.select().from(jobs).where(inArray(jobs.id, ids));
    expect(rows.map((row) => row.attempts)).toEqual(Array(200).fill(1));
    await Promise.all(stores.map((store) => store.close()));
  });
});

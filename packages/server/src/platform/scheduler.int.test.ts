import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { testStores } from "../testing/harness.ts";
import { openTestStore, type TestStoreLocation, testLogger } from "../testing/test-store.ts";
import type { Db } from "./db.ts";
import { cronSchedules, jobs } from "./platform.tables.ts";
import { createQueue } from "./queue.ts";
import { createScheduler, nextCronRun } from "./scheduler.ts";

const payload = z.object({ report: z.string() });
let counter = 0;

describe.each(testStores)("scheduler on %s", (kind) => {
  let handle: TestStoreLocation & { db: Db };

  beforeAll(async () => {
    handle = await openTestStore(kind);
  });
  afterAll(() => handle?.destroy());

  /** One node: its queue, its scheduler, and the job a schedule enqueues. Names are per test. */
  function startNode(db: Db, name: string, runs: string[] = []) {
    const queue = createQueue({ db, logger: testLogger });
    const scheduler = createScheduler({ db, queue, logger: testLogger });
    const job = queue.define({
      name: `test.${name}`,
      payload,
      handler: async ({ report }) => {
        runs.push(report);
      },
    });
    return { queue, scheduler, job };
  }

  const uniqueName = (label: string) => `${label}-${++counter}`;
  const scheduleRow = async (name: string) =>
    (await handle.db.select().from(cronSchedules).where(eq(cronSchedules.name, name)))[0];
  const jobsNamed = (name: string) =>
    handle.db
      .select()
      .from(jobs)
      .where(eq(jobs.name, `test.${name}`));

  it("fires a schedule once per slot when two schedulers tick at the same time", async () => {
    const name = uniqueName("cleanup");
    // On PostgreSQL the second node has its own pool; embedded mode has one process, so they share the store.
    const secondStore = kind === "postgres" ? await handle.open() : null;
    const nodes = [startNode(handle.db, name), startNode(secondStore?.db ?? handle.db, name)];
    for (const node of nodes) await node.scheduler.schedule(name, "* * * * *", node.job, { report: "daily" });

    const slots: string[] = [];
    for (let round = 0; round < 5; round++) {
      const slot = (await scheduleRow(name))?.nextRunAt as Date;
      slots.push(slot.toISOString());
      const now = new Date(slot.getTime() + 1000);
      const fired = await Promise.all(nodes.flatMap((node) => [node.scheduler.tick(now), node.scheduler.tick(now)]));
      expect(fired.reduce((sum, n) => sum + n, 0)).toBe(1);
    }

    const enqueued = await jobsNamed(name);
    expect(enqueued.map((job) => job.dedupeKey).sort()).toEqual(slots.map((slot) => `cron:${name}:${slot}`));
    await secondStore?.close();
  });

  it("runs a slot missed while everything was down once, not once per missed slot", async () => {
    const name = uniqueName("digest");
    const before = startNode(handle.db, name);
    await before.scheduler.schedule(name, "* * * * *", before.job, { report: "weekly" });
    const missed = (await scheduleRow(name))?.nextRunAt as Date;

    // Ten minutes later a new process starts, schedules the same thing again and ticks.
    const runs: string[] = [];
    const after = startNode(handle.db, name, runs);
    await after.scheduler.schedule(name, "* * * * *", after.job, { report: "weekly" });
    expect((await scheduleRow(name))?.nextRunAt).toEqual(missed);
    const now = new Date(missed.getTime() + 10 * 60_000 + 1000);
    expect(await after.scheduler.tick(now)).toBe(1);
    expect(await after.scheduler.tick(now)).toBe(0);

    const row = await scheduleRow(name);
    expect(row?.lastRunAt).toEqual(missed);
    expect(row?.nextRunAt).toEqual(nextCronRun("* * * * *", now));
    expect(await jobsNamed(name)).toHaveLength(1);
    await after.queue.drain();
    expect(runs).toEqual(["weekly"]);
  });

  it("keeps the pending slot when scheduled again unchanged, and re-plans it when the expression changes", async () => {
    const name = uniqueName("backup");
    const node = startNode(handle.db, name);
    await node.scheduler.schedule(name, "0 0 1 1 *", node.job, { report: "yearly" });
    const yearly = (await scheduleRow(name))?.nextRunAt as Date;
    expect(yearly.toISOString()).toMatch(/-01-01T00:00:00\.000Z$/);
    await node.scheduler.schedule(name, "0 0 1 1 *", node.job, { report: "yearly" });
    expect((await scheduleRow(name))?.nextRunAt).toEqual(yearly);

    const from = new Date();
    await node.scheduler.schedule(name, "*/5 * * * *", node.job, { report: "often" });
    const to = new Date();
    const row = await scheduleRow(name);
    expect(row).toMatchObject({ expression: "*/5 * * * *", payload: { report: "often" } });
    expect(row?.nextRunAt.getTime()).toBeGreaterThanOrEqual(nextCronRun("*/5 * * * *", from).getTime());
    expect(row?.nextRunAt.getTime()).toBeLessThanOrEqual(nextCronRun("*/5 * * * *", to).getTime());
  });

  it("reads a schedule in its time zone, keeps doing so on each tick, and refuses an unknown zone", async () => {
    const name = uniqueName("morning");
    const node = startNode(handle.db, name);
    await node.scheduler.schedule(name, "0 9 * * *", node.job, { report: "paris" }, { timezone: "europe/paris" });
    const row = await scheduleRow(name);
    expect(row?.timezone).toBe("Europe/Paris");
    const slot = row?.nextRunAt as Date;
    expect(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", timeStyle: "short" }).format(slot)).toBe(
      "09:00",
    );
    expect(await node.scheduler.tick(new Date(slot.getTime() + 1000))).toBe(1);
    expect((await scheduleRow(name))?.nextRunAt).toEqual(nextCronRun("0 9 * * *", slot, "Europe/Paris"));

    await expect(
      node.scheduler.schedule(name, "0 9 * * *", node.job, { report: "x" }, { timezone: "Mars/Olympus" }),
    ).rejects.toMatchObject({ code: "bad_request", details: { field: "timezone" } });
    expect((await scheduleRow(name))?.timezone).toBe("Europe/Paris");
  });

  it("refuses a bad cron expression with an error that names it, and stores nothing", async () => {
    const name = uniqueName("broken");
    const node = startNode(handle.db, name);
    await expect(node.scheduler.schedule(name, "61 * * * *", node.job, { report: "x" })).rejects.toMatchObject({
      code: "bad_request",
      message: 'invalid cron expression "61 * * * *": Invalid value for minute: 61',
    });
    await expect(node.scheduler.schedule(name, "every day", node.job, { report: "x" })).rejects.toThrow(
      /^invalid cron expression "every day": /,
    );
    await expect(node.scheduler.schedule(name, "0 0 30 2 *", node.job, { report: "x" })).rejects.toThrow(
      'cron expression "0 0 30 2 *" never fires',
    );
    expect(await scheduleRow(name)).toBeUndefined();
  });
});

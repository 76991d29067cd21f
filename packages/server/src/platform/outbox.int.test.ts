import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testStores } from "../testing/harness.ts";
import { openTestStore, type TestStoreLocation, testLogger, waitFor } from "../testing/test-store.ts";
import type { Db } from "./db.ts";
import { createOutbox, type StoredEvent } from "./outbox.ts";
import { events, jobs } from "./platform.tables.ts";
import { createQueue } from "./queue.ts";

let counter = 0;

describe.each(testStores)("outbox on %s", (kind) => {
  let handle: TestStoreLocation & { db: Db };

  beforeAll(async () => {
    handle = await openTestStore(kind);
  });
  afterAll(() => handle?.destroy());

  /**
   * A queue and outbox whose subscribers record every event they take (each call, so a
   * duplicate delivery would show). Subscriber names are per test, so delivery jobs left by
   * an earlier test never reach this one's handlers.
   */
  function startOutbox(subscribers: { name: string; filter?: (type: string) => boolean; failTimes?: number }[]) {
    const queue = createQueue({ db: handle.db, logger: testLogger, pollMs: 50 });
    const outbox = createOutbox({ db: handle.db, queue });
    const heard = new Map<string, StoredEvent[]>();
    const suffix = ++counter;
    for (const subscriber of subscribers) {
      let failuresLeft = subscriber.failTimes ?? 0;
      heard.set(subscriber.name, []);
      outbox.subscribe(
        `${subscriber.name}-${suffix}`,
        async (event) => {
          if (failuresLeft-- > 0) throw new Error(`${subscriber.name} is down`);
          heard.get(subscriber.name)?.push(event);
        },
        subscriber.filter,
      );
    }
    const deliveryJobs = (name: string) =>
      handle.db
        .select()
        .from(jobs)
        .where(eq(jobs.name, `events.${name}-${suffix}`));
    return { queue, outbox, heard, deliveryJobs };
  }

  it("leaves no event and no delivery job when the transaction rolls back", async () => {
    const { queue, outbox, heard, deliveryJobs } = startOutbox([{ name: "audit" }]);
    const type = `project.deleted.${counter}`;
    await expect(
      handle.db.transaction(async (tx) => {
        await outbox.emit(tx, { type, teamId: "team_1", payload: { projectId: "prj_1" } });
        throw new Error("the delete failed after the event was written");
      }),
    ).rejects.toThrow("the delete failed");

    expect(await handle.db.select().from(events).where(eq(events.type, type))).toEqual([]);
    expect(await deliveryJobs("audit")).toEqual([]);
    await queue.drain();
    expect(heard.get("audit")).toEqual([]);
  });

  it("delivers a committed event to each subscriber once, and only to those whose filter takes it", async () => {
    const { queue, outbox, heard, deliveryJobs } = startOutbox([
      { name: "audit" },
      { name: "webhooks" },
      { name: "billing", filter: (type) => type.startsWith("invoice.") },
    ]);
    const eventId = await handle.db.transaction((tx) =>
      outbox.emit(tx, { type: "team.created", teamId: "team_2", payload: { name: "Acme" } }),
    );
    await queue.drain();
    await queue.drain();

    for (const name of ["audit", "webhooks"]) {
      expect(heard.get(name)).toEqual([
        { id: eventId, type: "team.created", teamId: "team_2", payload: { name: "Acme" }, createdAt: expect.any(Date) },
      ]);
      expect((await deliveryJobs(name)).map((job) => [job.status, job.attempts])).toEqual([["succeeded", 1]]);
    }
    expect(heard.get("billing")).toEqual([]);
    expect(await deliveryJobs("billing")).toEqual([]);
  });

  it("retries a subscriber that throws until it takes the event, without redelivering to the others", async () => {
    const { queue, outbox, heard, deliveryJobs } = startOutbox([{ name: "mailer", failTimes: 2 }, { name: "audit" }]);
    const eventId = await outbox.emit(handle.db, { type: "member.added", teamId: "team_3", payload: {} });

    queue.start();
    try {
      // The default backoff (1s, then 2s) runs for real here.
      await waitFor("the mailer to take the event", () => heard.get("mailer")?.length === 1, { timeoutMs: 60_000 });
    } finally {
      await queue.stop();
    }

    expect(heard.get("mailer")?.map((event) => event.id)).toEqual([eventId]);
    expect(heard.get("audit")?.map((event) => event.id)).toEqual([eventId]);
    const [mailerJob] = await deliveryJobs("mailer");
    expect(mailerJob).toMatchObject({ status: "succeeded", attempts: 3, lastError: "mailer is down" });
    const audit = await deliveryJobs("audit");
    expect(audit.map((job) => job.attempts)).toEqual([1]);
  });
});

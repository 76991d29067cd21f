import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db, Executor } from "./db.ts";
import { events } from "./platform.tables.ts";
import type { JobDefinition, Queue } from "./queue.ts";

export type DomainEvent = {
  /** `<noun>.<past-tense verb>`: `team.created`, `member.removed`, `token.revoked`. */
  type: string;
  teamId: string | null;
  payload: Record<string, unknown>;
};

export type StoredEvent = DomainEvent & { id: number; createdAt: Date };

export type Outbox = ReturnType<typeof createOutbox>;

const deliveryPayload = z.object({ eventId: z.number().int() });

/**
 * The transactional outbox. `emit` writes the event and one delivery job per subscriber in
 * the caller's transaction, so an event exists exactly when its change does and every
 * subscriber hears of it at least once. Subscribers must be idempotent (key on event id).
 */
export function createOutbox(deps: { db: Db; queue: Queue }) {
  const deliveries: { job: JobDefinition<typeof deliveryPayload>; filter?: (type: string) => boolean }[] = [];

  function subscribe(name: string, handler: (event: StoredEvent) => Promise<void>, filter?: (type: string) => boolean) {
    const job = deps.queue.define({
      name: `events.${name}`,
      payload: deliveryPayload,
      maxAttempts: 10,
      handler: async ({ eventId }) => {
        const row = (await deps.db.select().from(events).where(eq(events.id, eventId)))[0];
        if (!row) return;
        await handler({ ...row, payload: row.payload as Record<string, unknown> });
      },
    });
    deliveries.push(filter ? { job, filter } : { job });
  }

  async function emit(tx: Executor, event: DomainEvent): Promise<number> {
    const [row] = await tx.insert(events).values(event).returning({ id: events.id });
    if (!row) throw new Error("event insert returned nothing");
    for (const { job, filter } of deliveries) {
      if (filter && !filter(event.type)) continue;
      await deps.queue.enqueue(tx, job, { eventId: row.id });
    }
    return row.id;
  }

  return { subscribe, emit };
}

import { eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { instance } from "./system.tables.ts";

/** The first account to call this owns the instance; later calls change nothing. */
export async function claimInstanceOwnership(userId: string, db: Db): Promise<boolean> {
  await db.insert(instance).values({ id: 1 }).onConflictDoNothing();
  const rows = await db
    .update(instance)
    .set({ ownerUserId: userId })
    .where(sql`${instance.id} = 1 and ${isNull(instance.ownerUserId)}`)
    .returning({ id: instance.id });
  return rows.length > 0;
}

export async function instanceOwnerId(db: Db): Promise<string | null> {
  return (
    (await db.select({ ownerUserId: instance.ownerUserId }).from(instance).where(eq(instance.id, 1)))[0]?.ownerUserId ??
    null
  );
}

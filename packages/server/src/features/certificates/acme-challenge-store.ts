import { eq } from "drizzle-orm";
import { createAcmeChallengeResponder, type PendingChallenge } from "../../edge/acme-challenges.ts";
import type { Db, Executor } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import { createReloader } from "../../platform/reloader.ts";
import { acmeChallenges } from "./certificates.tables.ts";

export type AcmeChallengeStore = ReturnType<typeof createAcmeChallengeStore>;

/**
 * Pending HTTP-01 challenges: in memory for the edge to answer at once, and in the store so a
 * platform restarted mid-order, or another edge node, answers them too. This process's own
 * changes reach memory at once; the rest with the reload (at start, then every few seconds).
 */
export function createAcmeChallengeStore(deps: { db: Db; logger: Logger; intervalMs?: number }) {
  let memory = new Map<string, PendingChallenge>();

  async function load(): Promise<void> {
    const rows = await deps.db.select().from(acmeChallenges);
    memory = new Map(
      rows.map((row) => [row.token, { keyAuthorization: row.keyAuthorization, hostname: row.hostname }]),
    );
  }

  return {
    ...createReloader(load, { logger: deps.logger, what: "ACME challenge", intervalMs: deps.intervalMs }),

    async put(db: Executor, challenge: PendingChallenge & { token: string; certificateId: string }): Promise<void> {
      await db
        .insert(acmeChallenges)
        .values(challenge)
        .onConflictDoUpdate({
          target: acmeChallenges.token,
          set: { keyAuthorization: challenge.keyAuthorization, hostname: challenge.hostname },
        });
      memory.set(challenge.token, { keyAuthorization: challenge.keyAuthorization, hostname: challenge.hostname });
    },

    /** Forgets a certificate's challenges once its order ended, either way. */
    async removeFor(db: Executor, certificateId: string): Promise<void> {
      const removed = await db
        .delete(acmeChallenges)
        .where(eq(acmeChallenges.certificateId, certificateId))
        .returning({ token: acmeChallenges.token });
      for (const { token } of removed) memory.delete(token);
    },

    responder: createAcmeChallengeResponder((token) => memory.get(token)),
  };
}

import { eq } from "drizzle-orm";
import { createAcmeChallengeResponder, type PendingChallenge } from "../../edge/acme-challenges.ts";
import type { Db, Executor } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import { acmeChallenges } from "./certificates.tables.ts";

export type AcmeChallengeStore = ReturnType<typeof createAcmeChallengeStore>;

/**
 * Pending HTTP-01 challenges: in memory for the edge to answer at once, and in the store so a
 * platform restarted mid-order, or another edge node, answers them too (a token unknown here
 * is looked up there).
 */
export function createAcmeChallengeStore(deps: { db: Db; logger: Logger }) {
  const memory = new Map<string, PendingChallenge>();

  return {
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

    responder: createAcmeChallengeResponder({
      known: (token) => memory.get(token),
      async find(token) {
        const [row] = await deps.db.select().from(acmeChallenges).where(eq(acmeChallenges.token, token));
        return row ? { keyAuthorization: row.keyAuthorization, hostname: row.hostname } : undefined;
      },
      onError: (error) => deps.logger.error({ err: error }, "ACME challenge lookup failed"),
    }),
  };
}

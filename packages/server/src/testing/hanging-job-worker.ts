/**
 * A worker process for crash tests: it opens the store, enqueues jobs whose handler never
 * returns, claims them, says so on stdout (one JSON line per running job) and waits to be killed.
 *
 *   node --import tsx hanging-job-worker.ts '{"databaseUrl":…,"dataDir":…,"jobName":…,"leaseMs":…,"maxAttempts":[3,1]}'
 */
import { z } from "zod";
import { openStore } from "../platform/db.ts";
import { createLogger } from "../platform/logger.ts";
import { createQueue } from "../platform/queue.ts";

const options = z
  .object({
    databaseUrl: z.string().optional(),
    dataDir: z.string(),
    jobName: z.string(),
    leaseMs: z.number().int().positive(),
    /** One job per entry, with that many attempts allowed. */
    maxAttempts: z.array(z.number().int().positive()),
  })
  .parse(JSON.parse(process.argv[2] ?? "{}"));

const store = await openStore({ databaseUrl: options.databaseUrl, dataDir: options.dataDir });
const queue = createQueue({
  db: store.db,
  logger: createLogger("silent"),
  leaseMs: options.leaseMs,
  pollMs: 50,
  concurrency: options.maxAttempts.length,
});
const job = queue.define({
  name: options.jobName,
  payload: z.object({ index: z.number() }),
  timeoutMs: 60 * 60_000,
  handler: async ({ index }, { id, attempt }) => {
    process.stdout.write(`${JSON.stringify({ index, id, attempt, workerId: queue.workerId })}\n`);
    await new Promise(() => {});
  },
});
for (const [index, maxAttempts] of options.maxAttempts.entries()) {
  await queue.enqueue(store.db, job, { index }, { maxAttempts });
}
queue.start();

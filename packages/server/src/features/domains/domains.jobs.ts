import { z } from "zod";
import type { Queue } from "../../platform/queue.ts";
import type { Scheduler } from "../../platform/scheduler.ts";
import { type DomainsDeps, recheckUnverifiedDomains } from "./domains.service.ts";

export const domainRecheckJobName = "domains.recheck";

/**
 * Unverified domains are looked up again every five minutes for 48 hours after they were
 * added, so a domain goes live soon after its TXT record does, without anyone clicking Verify.
 */
export async function scheduleDomainJobs(platform: { queue: Queue; scheduler: Scheduler }, deps: DomainsDeps) {
  const recheck = platform.queue.define({
    name: domainRecheckJobName,
    payload: z.object({}),
    // The next run is five minutes away; a failed one is not worth repeating sooner.
    maxAttempts: 1,
    timeoutMs: 4 * 60_000,
    handler: async () => ({ verified: await recheckUnverifiedDomains(deps) }),
  });
  await platform.scheduler.schedule(domainRecheckJobName, "*/5 * * * *", recheck, {});
  return recheck;
}

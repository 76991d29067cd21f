import type { Destination } from "@slipway/contracts";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Queue } from "../../platform/queue.ts";
import { type EnqueueAsync, jsonInvocationRequest, type OnSettled, type SettledInvocation } from "./function-async.ts";
import { functions } from "./functions.tables.ts";

/**
 * On-success and on-failure destinations of async invocations (as Lambda's): a webhook gets the
 * result POSTed by a retried queue job; a function of the same team gets it as the body of an
 * async invocation of its own. A chain of destinations stops after `maxDestinationDepth` hops.
 */

/** How many destination hops deep the invocation is; absent on an invocation nothing else caused. */
export const destinationDepthHeader = "x-slipway-destination-depth";
export const maxDestinationDepth = 3;
export const destinationWebhookJobName = "functions.destination-webhook";

const webhookTimeoutMs = 10_000;
const webhookPayload = z.object({
  url: z.string(),
  status: z.string(),
  /** The JSON document, serialized once so every attempt sends the same bytes. */
  body: z.string(),
});

type DestinationDeps = {
  queue: Queue;
  logger: Logger;
  enqueueAsync: EnqueueAsync;
  onSettled: OnSettled;
};

/** What the destination receives about the invocation that ended. */
function resultDocument(settled: SettledInvocation) {
  return {
    invocationId: settled.invocationId,
    functionId: settled.functionId,
    status: settled.status,
    response: settled.response,
    error: settled.error,
    finishedAt: settled.finishedAt.toISOString(),
  };
}

async function postWebhook({ url, status, body }: z.infer<typeof webhookPayload>) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-slipway-event": `function.invocation.${status}` },
    body,
    redirect: "manual",
    signal: AbortSignal.timeout(webhookTimeoutMs),
  });
  // Drained so the connection is released; its content is the receiver's business.
  await response.arrayBuffer();
  if (response.status < 200 || response.status >= 300) throw new Error(`the webhook answered ${response.status}`);
  return { status: response.status };
}

function depthOf(settled: SettledInvocation): number {
  const value = Number(settled.request.headers[destinationDepthHeader] ?? 0);
  return Number.isInteger(value) && value > 0 ? value : 0;
}

export function startFunctionDestinations(deps: DestinationDeps) {
  const webhookJob = deps.queue.define({
    name: destinationWebhookJobName,
    payload: webhookPayload,
    maxAttempts: 5,
    // 5 s, 10 s, 20 s, 40 s: a receiver that is briefly down still gets it.
    backoffMs: (attempt) => 5_000 * 2 ** (attempt - 1),
    timeoutMs: webhookTimeoutMs + 5_000,
    handler: postWebhook,
  });

  async function deliver(tx: Executor, settled: SettledInvocation, destination: Destination) {
    const document = resultDocument(settled);
    if (destination.type === "webhook") {
      await deps.queue.enqueue(
        tx,
        webhookJob,
        { url: destination.url, status: settled.status, body: JSON.stringify(document) },
        { dedupeKey: `destination:${settled.invocationId}` },
      );
      return;
    }
    // Checked again at delivery: the function may be gone since the settings were saved; another team's never counts.
    const [target] = await tx
      .select({ id: functions.id })
      .from(functions)
      .where(and(eq(functions.id, destination.functionId), eq(functions.teamId, settled.teamId)));
    if (!target) {
      deps.logger.warn({ invocationId: settled.invocationId, destination }, "destination function not found");
      return;
    }
    await deps.enqueueAsync(tx, {
      teamId: settled.teamId,
      functionId: target.id,
      trigger: "destination",
      request: jsonInvocationRequest(document, { [destinationDepthHeader]: String(depthOf(settled) + 1) }),
      dedupeKey: `destination:${settled.invocationId}`,
    });
  }

  deps.onSettled(async (tx, settled) => {
    const { onSuccess, onFailure } = settled.settings.async;
    const destination = settled.status === "succeeded" ? onSuccess : onFailure;
    if (!destination) return;
    if (depthOf(settled) >= maxDestinationDepth) {
      deps.logger.warn({ invocationId: settled.invocationId }, "destination chain too deep: not delivered");
      return;
    }
    await deliver(tx, settled, destination);
  });
  return { webhookJob };
}

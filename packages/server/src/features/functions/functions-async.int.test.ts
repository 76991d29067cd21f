import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "../../platform/platform.tables.ts";
import { type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";
import { waitFor } from "../../testing/test-store.ts";
import { jsonInvocationRequest } from "./function-async.ts";
import { functionInvocations } from "./functions.tables.ts";
import { callFunction, createFunction, createProject, invocationDetail } from "./functions-fixtures.ts";

/** Async invocations through the queue: accepted at once, run, retried with backoff, dead-lettered. */
describe.each(testStores)("async function invocations on %s", (store) => {
  let platform: TestPlatform;
  let user: Session;
  let teamId: string;
  let project: { id: string; slug: string };
  const api = (path: string) => `/api/v1/teams/${teamId}${path}`;

  beforeAll(async () => {
    platform = await startTestPlatform(store, {
      // Retry delays of 1 s become 50 ms, 100 ms: the schedule is the same, only shorter.
      functions: { poolSize: 1, retryDelayScale: 0.05 },
    });
    user = await signUp(platform.url);
    teamId = user.personalTeamId;
    project = await createProject(user, teamId, "Async");
  });
  afterAll(() => platform?.destroy());

  const settled = (functionId: string, invocationId: string) =>
    waitFor(`invocation ${invocationId} to settle`, async () => {
      const detail = await invocationDetail(user, teamId, functionId, invocationId);
      return ["succeeded", "dead"].includes(detail.status) ? detail : undefined;
    });

  it("accepts X-Slipway-Invocation: async with 202, then runs it from the queue", async () => {
    const { function: fn } = await createFunction(user, teamId, project.id, {
      name: "echo",
      runtime: "node",
      files: {
        "index.mjs": `export default async (r) => { console.log("async got", await r.text()); return new Response("done: " + r.method); };`,
      },
    });
    const accepted = await callFunction(platform.edgeUrl, fn.url, {
      method: "PUT",
      headers: { "x-slipway-invocation": "async" },
      body: "payload-1",
    });
    expect(accepted.status).toBe(202);
    const { invocationId } = JSON.parse(accepted.text);
    expect(accepted.headers["x-slipway-invocation-id"]).toBe(invocationId);
    const done = await settled(fn.id, invocationId);
    expect(done).toMatchObject({
      mode: "async",
      trigger: "http",
      status: "succeeded",
      outcome: "ok",
      attempts: 1,
      responseStatus: 200,
      responseBody: "done: PUT",
      method: "PUT",
    });
    expect(done.logs).toContain("async got payload-1");

    const viaApi = await user.call("POST", api(`/functions/${fn.id}/invoke`), { async: true, body: "payload-2" });
    expect(viaApi.status).toBe(202);
    expect(viaApi.body.invocation).toMatchObject({ status: "queued", mode: "async", trigger: "api", attempts: 0 });
    expect((await settled(fn.id, viaApi.body.invocation.id)).logs).toContain("async got payload-2");
  });

  it("retries a failing function with backoff, then keeps it as a dead letter with its event", async () => {
    const { function: fn } = await createFunction(user, teamId, project.id, {
      name: "fails",
      runtime: "node",
      settings: {
        async: { retries: 2, retryDelaySeconds: 1, maxEventAgeSeconds: 3600, onSuccess: null, onFailure: null },
      },
      files: { "index.mjs": `export default () => { console.log("attempt"); throw new Error("always broken"); };` },
    });
    const queued = await user.call("POST", api(`/functions/${fn.id}/invoke`), { async: true });
    const dead = await settled(fn.id, queued.body.invocation.id);
    expect(dead).toMatchObject({ status: "dead", outcome: "error", attempts: 3, responseStatus: 500 });
    expect(dead.error).toMatch(/500/);
    const [event] = await platform.db
      .select()
      .from(events)
      .where(sql`${events.type} = 'function.invocation_dead' and ${events.payload}->>'invocationId' = ${dead.id}`);
    expect(event?.payload).toMatchObject({ functionId: fn.id, invocationId: dead.id });

    const dlq = await user.call("GET", api(`/functions/${fn.id}/invocations?status=dead`));
    expect(dlq.body.items.map((i: { id: string }) => i.id)).toEqual([dead.id]);
    const retried = await user.call("POST", api(`/functions/${fn.id}/invocations/${dead.id}/retry`));
    expect(retried.status).toBe(202);
    expect(retried.body.invocation).toMatchObject({ status: "queued", trigger: "api", attempts: 0 });
    expect(retried.body.invocation.id).not.toBe(dead.id);
    expect((await settled(fn.id, retried.body.invocation.id)).status).toBe("dead");
    // A sync invocation keeps no request to send again.
    const sync = await user.call("POST", api(`/functions/${fn.id}/invoke`), {});
    expect(sync.body.invocation.status).toBe("failed");
    const syncRetry = await user.call("POST", api(`/functions/${fn.id}/invocations/${sync.body.invocation.id}/retry`));
    expect(syncRetry.status).toBe(409);
  });

  it("drops an event older than its maximum age to the dead letters without running it", async () => {
    const { function: fn } = await createFunction(user, teamId, project.id, { name: "stale", runtime: "node" });
    const invocationId = await platform.db.transaction(async (tx) => {
      const id = await platform.functionsAsync.enqueue(tx, {
        teamId,
        functionId: fn.id,
        trigger: "event",
        request: jsonInvocationRequest({ hello: "late" }),
      });
      // As if it had waited in the queue for seven hours (the default maximum age is six).
      await tx
        .update(functionInvocations)
        .set({ createdAt: new Date(Date.now() - 7 * 3600_000) })
        .where(eq(functionInvocations.id, id as string));
      return id as string;
    });
    platform.queue.wake();
    const dead = await settled(fn.id, invocationId);
    expect(dead).toMatchObject({ status: "dead", attempts: 0, outcome: null, trigger: "event" });
    expect(dead.error).toMatch(/older than/);
  });

  it("streams each invocation as it finishes (logs --follow)", async () => {
    const { function: fn } = await createFunction(user, teamId, project.id, { name: "streamed", runtime: "node" });
    const controller = new AbortController();
    const response = await fetch(`${platform.url}${api(`/functions/${fn.id}/invocations/stream`)}`, {
      headers: { cookie: user.cookie },
      signal: controller.signal,
    });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    const read = async (until: (text: string) => boolean) => {
      while (!until(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    };
    await read((t) => t.includes("event: ready"));
    const call = await callFunction(platform.edgeUrl, `${fn.url}/?name=stream`);
    await read((t) => t.includes("event: invocation"));
    controller.abort();
    const data = /event: invocation\ndata: (.+)\n/.exec(text)?.[1] as string;
    expect(JSON.parse(data)).toMatchObject({
      id: call.headers["x-slipway-invocation-id"],
      status: "succeeded",
      logs: ["greeting stream"],
    });
  });
});

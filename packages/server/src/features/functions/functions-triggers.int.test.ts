import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { defaultFunctionSettings } from "@slipway/contracts";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../platform/ids.ts";
import { events, jobs } from "../../platform/platform.tables.ts";
import { buildAndWait, createExampleProject } from "../../testing/deploy-fixtures.ts";
import { type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";
import { waitFor } from "../../testing/test-store.ts";
import { auditLog } from "../audit/audit.tables.ts";

/** Logs the body it was sent (what fired it); throws when the path asks it to. */
const echoHandler = `export default async function handler(request) {
  const body = await request.text();
  console.log("received " + body);
  if (new URL(request.url).pathname === "/fail") throw new Error("failing on purpose");
  return Response.json({ received: body.length });
}
`;

/** The JSON body a logged invocation received. */
function receivedBody(logs: string[]) {
  const line = logs.find((l) => l.includes("received {"));
  expect(line, logs.join("\n")).toBeDefined();
  return JSON.parse((line as string).slice((line as string).indexOf("received ") + "received ".length));
}

type Received = { headers: IncomingHttpHeaders; body: unknown };

/** A webhook receiver on loopback: what a user's endpoint would get. */
async function startWebhookReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.writeHead(204).end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/slipway`, received, server };
}

describe.each(testStores)("function triggers and destinations on %s", (store) => {
  let platform: TestPlatform;
  let owner: Session;
  let teamId: string;
  let projectId: string;

  beforeAll(async () => {
    platform = await startTestPlatform(store);
    owner = await signUp(platform.url);
    teamId = owner.personalTeamId;
    projectId = (await createExampleProject(owner, teamId, "Harbour", "static-site")).id;
  });
  afterAll(() => platform?.destroy());

  const fnPath = (functionId: string) => `/api/v1/teams/${teamId}/functions/${functionId}`;

  async function createFunction(name: string, settings: Record<string, unknown> = {}): Promise<string> {
    const res = await owner.call("POST", `/api/v1/teams/${teamId}/projects/${projectId}/functions`, {
      name,
      runtime: "node",
      files: { "index.mjs": echoHandler },
      settings,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.version.status).toBe("ready");
    return res.body.function.id;
  }

  async function addTrigger(functionId: string, body: Record<string, unknown>) {
    const res = await owner.call("POST", `${fnPath(functionId)}/triggers`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
  async function invocations(functionId: string, query = ""): Promise<any[]> {
    const res = await owner.call("GET", `${fnPath(functionId)}/invocations?limit=200${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items;
  }

  /** The function's finished invocations of one trigger, once there are `count` of them. */
  function waitForInvocations(functionId: string, trigger: string, count = 1) {
    return waitFor(`${count} ${trigger} invocation(s) of ${functionId}`, async () => {
      const done = (await invocations(functionId, `&trigger=${trigger}`)).filter((i) => i.finishedAt);
      return done.length >= count ? done : undefined;
    });
  }

  async function logsOf(functionId: string, invocationId: string): Promise<string[]> {
    const res = await owner.call("GET", `${fnPath(functionId)}/invocations/${invocationId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.logs;
  }

  const hasSchedule = async (triggerId: string) =>
    (await platform.scheduler.list()).some((s) => s.name === `function-trigger:${triggerId}`);

  it("fires a cron trigger with a JSON body saying what fired, and stops when it is disabled", async () => {
    const functionId = await createFunction("ticker");
    const trigger = await addTrigger(functionId, { kind: "cron", schedule: "* * * * * *", timezone: "europe/paris" });
    expect(trigger).toMatchObject({ kind: "cron", schedule: "* * * * * *", timezone: "Europe/Paris", isEnabled: true });
    expect(Date.parse(trigger.nextRunAt) - Date.now()).toBeLessThanOrEqual(1000);

    const [first] = await waitForInvocations(functionId, "cron");
    expect(first).toMatchObject({ trigger: "cron", mode: "async", status: "succeeded", method: "POST", path: "/" });
    const body = receivedBody(await logsOf(functionId, first.id));
    expect(body).toEqual({
      trigger: "cron",
      schedule: "* * * * * *",
      timezone: "Europe/Paris",
      firedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      triggerId: trigger.id,
    });
    const listed = await owner.call("GET", `${fnPath(functionId)}/triggers`);
    expect(listed.body.items[0].lastFiredAt).not.toBeNull();

    const disabled = await owner.call("PATCH", `${fnPath(functionId)}/triggers/${trigger.id}`, { isEnabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ isEnabled: false, nextRunAt: null });
    expect(await hasSchedule(trigger.id)).toBe(false);
    const audited = await platform.db.select().from(auditLog).where(eq(auditLog.resourceId, functionId));
    expect(audited.map((record) => record.action)).toEqual(
      expect.arrayContaining(["function.trigger.create", "function.trigger.update"]),
    );
    // A slot queued just before the switch may still run; after that, nothing more.
    const settled = await waitFor("queued cron invocations to finish", async () => {
      const all = await invocations(functionId);
      return all.every((i) => i.finishedAt) ? all.length : undefined;
    });
    await sleep(2500);
    expect(await invocations(functionId)).toHaveLength(settled);
  });

  it("refuses a bad cron expression, an unknown time zone or event with 400, and another team's function with 404", async () => {
    const functionId = await createFunction("strict");
    const badExpression = await owner.call("POST", `${fnPath(functionId)}/triggers`, {
      kind: "cron",
      schedule: "61 * * * *",
    });
    expect(badExpression.status).toBe(400);
    expect(badExpression.body.error.message).toBe('invalid cron expression "61 * * * *": Invalid value for minute: 61');
    const badZone = await owner.call("POST", `${fnPath(functionId)}/triggers`, {
      kind: "cron",
      schedule: "0 9 * * *",
      timezone: "Mars/Olympus",
    });
    expect(badZone.status).toBe(400);
    expect(badZone.body.error).toMatchObject({ code: "bad_request", details: { field: "timezone" } });
    const badEvent = await owner.call("POST", `${fnPath(functionId)}/triggers`, { kind: "event", event: "tea.made" });
    expect(badEvent.status).toBe(400);
    expect((await owner.call("GET", `${fnPath(functionId)}/triggers`)).body.items).toEqual([]);

    const outsider = await signUp(platform.url);
    const theirs = `/api/v1/teams/${outsider.personalTeamId}/functions/${functionId}/triggers`;
    expect((await outsider.call("GET", theirs)).status).toBe(404);
    expect((await outsider.call("POST", theirs, { kind: "event", event: "build.failed" })).status).toBe(404);
  });

  it("removes a deleted function's schedules with it", async () => {
    const functionId = await createFunction("doomed");
    const trigger = await addTrigger(functionId, { kind: "cron", schedule: "0 0 1 1 *" });
    expect(await hasSchedule(trigger.id)).toBe(true);
    expect((await owner.call("DELETE", fnPath(functionId))).status).toBe(204);
    await waitFor("the schedule to go", async () => !(await hasSchedule(trigger.id)));
  });

  it("invokes an event trigger once per deployment.ready with the event in its body, even when it is delivered again", async () => {
    const functionId = await createFunction("on-deploy");
    const trigger = await addTrigger(functionId, { kind: "event", event: "deployment.ready" });
    expect(trigger).toMatchObject({ kind: "event", event: "deployment.ready", schedule: null, nextRunAt: null });

    const build = await buildAndWait(owner, teamId, projectId);
    expect(build.status).toBe("succeeded");
    const [invocation] = await waitForInvocations(functionId, "event");
    const body = receivedBody(await logsOf(functionId, invocation.id));
    expect(body).toEqual({
      trigger: "event",
      event: {
        id: expect.any(Number),
        type: "deployment.ready",
        payload: { deploymentId: build.deploymentId, buildId: build.id },
        createdAt: expect.any(String),
      },
    });

    // The outbox delivers at least once: the same event handed to the subscriber again.
    const [event] = await platform.db
      .select()
      .from(events)
      .where(and(eq(events.id, body.event.id), eq(events.type, "deployment.ready")));
    expect(event?.teamId).toBe(teamId);
    const jobId = newId("job");
    await platform.db
      .insert(jobs)
      .values({ id: jobId, name: "events.function-event-triggers", payload: { eventId: body.event.id } });
    platform.queue.wake();
    await waitFor(
      "the redelivery to be handled",
      async () => (await platform.queue.get(jobId))?.status === "succeeded",
    );
    expect(await invocations(functionId)).toHaveLength(1);
  });

  it("posts a dead invocation to its onFailure webhook and hands a success to its onSuccess function", async () => {
    const webhook = await startWebhookReceiver();
    try {
      const failing = await createFunction("flaky", {
        async: { ...defaultFunctionSettings.async, retries: 0, onFailure: { type: "webhook", url: webhook.url } },
      });
      const failed = await owner.call("POST", `${fnPath(failing)}/invoke`, { path: "/fail", body: "{}", async: true });
      expect(failed.status, JSON.stringify(failed.body)).toBe(202);
      const deadId = failed.body.invocation.id;
      const [delivery] = await waitFor("the webhook", () => (webhook.received.length ? webhook.received : undefined));
      expect(delivery?.headers).toMatchObject({
        "content-type": "application/json",
        "x-slipway-event": "function.invocation.dead",
      });
      expect(delivery?.body).toMatchObject({
        invocationId: deadId,
        functionId: failing,
        status: "dead",
        response: { status: 500 },
        finishedAt: expect.any(String),
      });

      const receiver = await createFunction("receiver");
      const sender = await createFunction("sender", {
        async: { ...defaultFunctionSettings.async, onSuccess: { type: "function", functionId: receiver } },
      });
      const sent = await owner.call("POST", `${fnPath(sender)}/invoke`, { body: '{"hello":1}', async: true });
      expect(sent.status, JSON.stringify(sent.body)).toBe(202);
      const [handed] = await waitForInvocations(receiver, "destination");
      expect(handed).toMatchObject({ status: "succeeded", method: "POST" });
      expect(receivedBody(await logsOf(receiver, handed.id))).toMatchObject({
        invocationId: sent.body.invocation.id,
        functionId: sender,
        status: "succeeded",
        response: { status: 200, body: JSON.stringify({ received: 11 }) },
        error: null,
      });
      expect(webhook.received).toHaveLength(1);

      // receiver → sender → receiver → …: a loop of destinations stops three hops from where it began.
      const back = await owner.call("PATCH", fnPath(receiver), {
        settings: { async: { onSuccess: { type: "function", functionId: sender } } },
      });
      expect(back.status, JSON.stringify(back.body)).toBe(200);
      const looped = await owner.call("POST", `${fnPath(sender)}/invoke`, { body: "{}", async: true });
      expect(looped.status).toBe(202);
      await waitForInvocations(receiver, "destination", 3);
      await waitForInvocations(sender, "destination", 1);
      await sleep(2000);
      expect(await invocations(receiver, "&trigger=destination")).toHaveLength(3);
      expect(await invocations(sender, "&trigger=destination")).toHaveLength(1);
    } finally {
      webhook.server.close();
    }
  });
});

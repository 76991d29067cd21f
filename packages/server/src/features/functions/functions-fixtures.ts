import { expect } from "vitest";
import { fetchFromEdge } from "../../testing/deploy-fixtures.ts";
import type { Session } from "../../testing/harness.ts";
import { waitFor } from "../../testing/test-store.ts";

/** An edge answer, read whole. */
export type EdgeAnswer = { status: number; headers: Record<string, string>; text: string };

/** A request to a function's URL the way a client on this machine makes it: by hostname, to the edge's port. */
export async function callFunction(
  edgeUrl: string,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<EdgeAnswer> {
  const res = await fetchFromEdge(edgeUrl, url, options);
  return { status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() };
}

/** A project of the session's team with no code of its own: functions live in it. */
export async function createProject(
  session: Session,
  teamId: string,
  name: string,
): Promise<{ id: string; slug: string }> {
  const res = await session.call("POST", `/api/v1/teams/${teamId}/projects`, { name });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Creates a function through the API; returns what the API answered (201 expected). */
export async function createFunction(
  session: Session,
  teamId: string,
  projectId: string,
  input: Record<string, unknown>,
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
): Promise<{ function: any; version: any }> {
  const res = await session.call("POST", `/api/v1/teams/${teamId}/projects/${projectId}/functions`, input);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** The function's invocations once `count` of them are recorded (sync records are written in batches). */
export async function invocationsOf(
  session: Session,
  teamId: string,
  functionId: string,
  count: number,
  query = "",
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
): Promise<any[]> {
  return waitFor(`${count} invocations of ${functionId}`, async () => {
    const res = await session.call("GET", `/api/v1/teams/${teamId}/functions/${functionId}/invocations?${query}`);
    expect(res.status).toBe(200);
    return res.body.items.length >= count ? res.body.items : undefined;
  });
}

/** One invocation with its logs. */
// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
export async function invocationDetail(session: Session, teamId: string, functionId: string, id: string): Promise<any> {
  const res = await session.call("GET", `/api/v1/teams/${teamId}/functions/${functionId}/invocations/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

import { mkdtempSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "vitest";
import { createBareRepository } from "../engines/builder/builder-fixtures.ts";
import type { Session } from "./harness.ts";
import { waitFor } from "./test-store.ts";

export const examplesDir = resolve(import.meta.dirname, "../../../../examples");

/** A bare git repository holding one example, reachable as file://. */
export async function exampleRepository(example: string) {
  const root = mkdtempSync(join(tmpdir(), "slipway-repo-"));
  const { bare, sha } = await createBareRepository(root, join(examplesDir, example));
  return { url: `file://${bare}`, sha, root };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
export async function waitForBuild(session: Session, teamId: string, buildId: string, intervalMs = 200): Promise<any> {
  return waitFor(
    `build ${buildId} to end`,
    async () => {
      const res = await session.call("GET", `/api/v1/teams/${teamId}/builds/${buildId}`);
      expect(res.status).toBe(200);
      return ["succeeded", "failed", "canceled"].includes(res.body.status) ? res.body : undefined;
    },
    { timeoutMs: 240_000, intervalMs },
  );
}

/**
 * Fetches a page from the edge the way a browser on this machine would: by hostname, sent to
 * the edge's loopback port. (fetch() overrides a Host header, so this speaks plain http.)
 */
export function fetchFromEdge(
  edgeUrl: string,
  pageUrl: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Response> {
  const page = new URL(pageUrl);
  const edge = new URL(edgeUrl);
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: edge.port,
        method: init.method ?? "GET",
        path: `${page.pathname}${page.search}`,
        headers: { ...init.headers, host: page.host },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const headers = new Headers();
          for (const [key, value] of Object.entries(res.headers)) {
            for (const v of [value ?? []].flat()) headers.append(key, v);
          }
          const status = res.statusCode ?? 0;
          const hasBody = status !== 204 && status !== 304 && (init.method ?? "GET") !== "HEAD";
          resolvePromise(new Response(hasBody ? Buffer.concat(chunks) : null, { status, headers }));
        });
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

/** A project of the session's team importing one of examples/ from a local git repository. */
export async function createExampleProject(
  session: Session,
  teamId: string,
  name: string,
  example: string,
  extra: Record<string, unknown> = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
): Promise<any> {
  const repo = await exampleRepository(example);
  const res = await session.call("POST", `/api/v1/teams/${teamId}/projects`, {
    name,
    git: { url: repo.url, branch: "main" },
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Starts a build of the project's production branch and waits for it to end. */
// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
export async function buildAndWait(session: Session, teamId: string, projectId: string): Promise<any> {
  const res = await session.call("POST", `/api/v1/teams/${teamId}/projects/${projectId}/builds`, {});
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return waitForBuild(session, teamId, res.body.id);
}

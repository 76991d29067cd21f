import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough, Writable } from "node:stream";
import type { Build } from "@slipway/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { Client } from "./client.ts";
import { followBuildLog } from "./follow-build.ts";
import { Output } from "./output.ts";

/*
 * The real platform never drops a log stream halfway on demand, so these tests serve the
 * stream from a small HTTP server that does; the integration tests follow real builds.
 */

const build: Build = {
  id: "bld_1",
  projectId: "prj_1",
  number: 4,
  status: "succeeded",
  environment: "preview",
  trigger: "cli",
  source: "archive",
  branch: null,
  commitSha: null,
  steps: [],
  cache: null,
  isReused: false,
  settings: null,
  error: null,
  isolation: null,
  createdBy: { type: "token", id: "tok_1", label: "ci" },
  retryOf: null,
  deploymentId: "dpl_1",
  deploymentUrl: "http://abc--site.localhost",
  createdAt: "2026-01-01T00:00:00.000Z",
  startedAt: "2026-01-01T00:00:00.000Z",
  finishedAt: "2026-01-01T00:00:01.000Z",
  durationMs: 1000,
};

const line = (seq: number) =>
  `id: ${seq}\nevent: line\ndata: ${JSON.stringify({ seq, stream: "stdout", text: `line ${seq}`, at: build.createdAt })}\n\n`;

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** Answers the build log stream with `streams[n]` on the n-th connection, and GET /builds/bld_1 with the build. */
async function serve(onStream: (request: IncomingMessage, response: ServerResponse, attempt: number) => void) {
  let attempt = 0;
  server = createServer((request, response) => {
    if (request.url?.endsWith("/logs/stream")) return onStream(request, response, attempt++);
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(build));
  });
  await new Promise<void>((listening) => server?.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as AddressInfo;
  let stderr = "";
  const streams = {
    stdin: new PassThrough(),
    stdout: new Writable({ write: (_chunk, _encoding, done) => done() }),
    stderr: new Writable({
      write(chunk, _encoding, done) {
        stderr += chunk.toString();
        done();
      },
    }),
  };
  const settings = {
    configPath: "/nonexistent",
    api: `http://127.0.0.1:${port}`,
    token: `slw_${"a".repeat(36)}`,
    tokenSource: "env" as const,
    team: undefined,
    teamSource: undefined,
  };
  const client = new Client(settings, new Output(streams, { isJson: false }), streams);
  return { client, stderr: () => stderr };
}

describe("followBuildLog", () => {
  it("reconnects with Last-Event-ID after the connection drops, so no line is lost or repeated", async () => {
    const lastEventIds: (string | undefined)[] = [];
    const { client, stderr } = await serve((request, response, attempt) => {
      lastEventIds.push(request.headers["last-event-id"] as string | undefined);
      response.writeHead(200, { "content-type": "text/event-stream" });
      if (attempt === 0) {
        response.write(`retry: 10\n\n${line(1)}${line(2)}id: 3\nevent: line\ndata: {"seq":3,"te`);
        setTimeout(() => response.socket?.destroy(), 50);
      } else {
        response.end(`: keep-alive\n\n${line(3)}event: end\ndata: {"status":"succeeded"}\n\n`);
      }
    });
    const seen: number[] = [];
    const ended = await followBuildLog(client, { teamId: "team_1", buildId: "bld_1", onLine: (l) => seen.push(l.seq) });

    expect(seen).toEqual([1, 2, 3]);
    expect(lastEventIds).toEqual([undefined, "2"]);
    expect(ended).toEqual(build);
    expect(stderr()).toContain("Lost the log stream");
  });

  it("reconnects when the server closes the stream before the end event", async () => {
    const { client } = await serve((_request, response, attempt) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.end(`retry: 10\n\n${attempt < 2 ? line(attempt + 1) : 'event: end\ndata: {"status":"succeeded"}\n\n'}`);
    });
    const seen: number[] = [];
    await followBuildLog(client, { teamId: "team_1", buildId: "bld_1", onLine: (l) => seen.push(l.seq) });
    expect(seen).toEqual([1, 2]);
  });

  it("does not retry when the server says the build does not exist", async () => {
    let attempts = 0;
    const { client } = await serve((_request, response) => {
      attempts++;
      const error = { code: "not_found", message: "build not found", details: null, requestId: "req_1" };
      response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error }));
    });
    const following = followBuildLog(client, { teamId: "team_1", buildId: "bld_1", onLine: () => {} });
    await expect(following).rejects.toThrow(/build not found \(not_found, request req_1\)/);
    expect(attempts).toBe(1);
  });

  it("stops at once, resolving to null, when its signal is aborted", async () => {
    const { client } = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(line(1));
    });
    const controller = new AbortController();
    const following = followBuildLog(client, {
      teamId: "team_1",
      buildId: "bld_1",
      signal: controller.signal,
      onLine: () => controller.abort(),
    });
    expect(await following).toBeNull();
    server?.closeAllConnections();
  });
});

// A real platform (in this process, on PGlite) with examples/node-server deployed as a project
// from a local git repository, the way the integration tests and a person importing a repo do.
import type { ChildProcess } from "node:child_process";
import type { Config } from "../../packages/server/src/config.ts";
import {
  buildAndWait,
  createExampleProject,
  fetchFromEdge,
} from "../../packages/server/src/testing/deploy-fixtures.ts";
import {
  type Session,
  signUp,
  startTestPlatform,
  type TestPlatform,
  type TestStore,
} from "../../packages/server/src/testing/harness.ts";
import { startTarget } from "../lib/proc.ts";
import type { WindowSummary } from "./open-loop.ts";

export type AppPlatform = { platform: TestPlatform; user: Session; teamId: string };

export async function startAppPlatform(
  overrides: Partial<Config> = {},
  store: TestStore = "pglite",
): Promise<AppPlatform> {
  // The API rate limit would throttle the benchmark's own polling.
  const platform = await startTestPlatform(store, { apiRateLimit: 1e9, ...overrides });
  const user = await signUp(platform.url);
  return { platform, user, teamId: user.personalTeamId };
}

export type NodeServerProject = { id: string; productionUrl: string; host: string };

/** examples/node-server as a new project with these runtime settings (the rest default) and production env vars. */
export async function createNodeServerProject(
  { user, teamId }: AppPlatform,
  name: string,
  runtime: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<NodeServerProject & { envIds: Record<string, string> }> {
  const project = await createExampleProject(user, teamId, name, "node-server");
  if (Object.keys(runtime).length > 0) {
    const patched = await user.call("PATCH", `/api/v1/teams/${teamId}/projects/${project.id}`, { runtime });
    if (patched.status !== 200) throw new Error(`runtime settings: ${patched.status} ${JSON.stringify(patched.body)}`);
  }
  const envIds: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const added = await user.call("POST", `/api/v1/teams/${teamId}/projects/${project.id}/env`, {
      key,
      value,
      targets: ["production"],
    });
    if (added.status !== 201) throw new Error(`env ${key}: ${added.status} ${JSON.stringify(added.body)}`);
    envIds[key] = added.body.id;
  }
  return { id: project.id, productionUrl: project.productionUrl, host: new URL(project.productionUrl).host, envIds };
}

/**
 * Builds the production branch and waits until the edge answers the production URL with
 * `expectedBody`: the time a person waits from "deploy" to seeing the change. Throws when the
 * build does not succeed.
 */
export async function deployAndWait(
  { platform, user, teamId }: AppPlatform,
  project: NodeServerProject,
  expectedBody: string,
  // biome-ignore lint/suspicious/noExplicitAny: the build as the API returns it, kept for the details.
): Promise<{ ms: number; buildMs: number; build: any }> {
  const started = performance.now();
  const build = await buildAndWait(user, teamId, project.id);
  const buildMs = performance.now() - started;
  if (build.status !== "succeeded") {
    throw new Error(`build ${build.id} ${build.status}: ${JSON.stringify(build.error)}`);
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetchFromEdge(platform.edgeUrl, project.productionUrl);
    const body = await res.text();
    if (res.status === 200 && body === expectedBody) break;
    if (Date.now() > deadline) {
      throw new Error(`${project.productionUrl} answers ${res.status} ${JSON.stringify(body)}, not ${expectedBody}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { ms: performance.now() - started, buildMs, build };
}

export type OpenLoop = {
  /** Starts a measurement window: requests flow on schedule from now. */
  start(): void;
  /** Ends the window once the requests in flight have answered. */
  stop(): Promise<WindowSummary>;
  close(): Promise<void>;
};

/** The open-loop load (open-loop.ts) in its own process, so it never shares an event loop with the platform. */
export async function startOpenLoop(edgeUrl: string, host: string, intervalMs: number): Promise<OpenLoop> {
  const target = await startTarget("bench/apps/open-loop.ts", {
    LOAD_EDGE_URL: edgeUrl,
    LOAD_HOST: host,
    LOAD_INTERVAL_MS: String(intervalMs),
  });
  const child: ChildProcess = target.child;
  return {
    start: () => child.send({ type: "start" }),
    stop: () =>
      new Promise((resolve) => {
        const onMessage = (message: WindowSummary) => {
          if (message.type !== "window") return;
          child.off("message", onMessage);
          resolve(message);
        };
        child.on("message", onMessage);
        child.send({ type: "stop" });
      }),
    close: target.stop,
  };
}

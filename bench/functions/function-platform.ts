// A real platform (in this process, on PGlite, or PostgreSQL with BENCH_FUNCTION_STORE=postgres) with functions created through the API, as a
// person or the CLI creates them, and reached through the edge by their hostnames.
import { type Config, loadConfig } from "../../packages/server/src/config.ts";
import { fetchFromEdge } from "../../packages/server/src/testing/deploy-fixtures.ts";
import { type AppPlatform, startAppPlatform } from "../apps/node-server-platform.ts";
import { settings } from "../lib/settings.ts";

/** Every benchmark function answers this: a Web Request in, a Response out (the Node contract). */
export const helloHandlerSource =
  "export default (request) => new Response('hello ' + new URL(request.url).pathname);\n";
export const helloBody = (path: string) => `hello ${path}`;

export type FunctionPlatform = AppPlatform & {
  projectId: string;
  /** The edge's port on loopback: function hosts are reached there by their Host header. */
  edgePort: number;
  api: (path: string) => string;
};

/** The platform with the functions settings changed from their defaults, and a project to hold functions. */
export async function startFunctionPlatform(functions: Partial<Config["functions"]>): Promise<FunctionPlatform> {
  const app = await startAppPlatform(
    { functions: { ...loadConfig({}).functions, ...functions } },
    settings.functionStore,
  );
  const api = (path: string) => `/api/v1/teams/${app.teamId}${path}`;
  const project = await app.user.call("POST", api("/projects"), { name: "bench-functions" });
  if (project.status !== 201) throw new Error(`project: ${project.status} ${JSON.stringify(project.body)}`);
  return { ...app, projectId: project.body.id, edgePort: Number(new URL(app.platform.edgeUrl).port), api };
}

export type BenchFunction = { id: string; name: string; url: string; host: string };

/** Creates a Node function through the API (its first version deployed); throws unless it is ready. */
export async function createNodeFunction(
  fp: FunctionPlatform,
  name: string,
  source: string,
  settings: Record<string, unknown> = {},
): Promise<BenchFunction> {
  const res = await fp.user.call("POST", fp.api(`/projects/${fp.projectId}/functions`), {
    name,
    runtime: "node",
    files: { "index.mjs": source },
    settings,
  });
  if (res.status !== 201 || res.body.version?.status !== "ready") {
    throw new Error(`function ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const fn = res.body.function;
  return { id: fn.id, name, url: fn.url, host: new URL(fn.url).host };
}

/** A request to the edge with a function's Host; the status and body. */
export async function callAtEdge(
  fp: FunctionPlatform,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string }> {
  const res = await fetchFromEdge(fp.platform.edgeUrl, url, init);
  return { status: res.status, text: await res.text() };
}

/** Throws unless the function answers the hello handler's body for `path`. */
export async function expectHello(fp: FunctionPlatform, fn: BenchFunction, path = "/"): Promise<void> {
  const answer = await callAtEdge(fp, `${fn.url}${path}`);
  if (answer.status !== 200 || answer.text !== helloBody(path)) {
    throw new Error(`${fn.name} answered ${answer.status} ${JSON.stringify(answer.text)}`);
  }
}

/** Runs `task` over `items`, `parallel` at a time. */
export async function inParallel<T, R>(items: T[], parallel: number, task: (item: T, index: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return results;
}

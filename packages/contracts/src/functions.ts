import { z } from "zod";
import { envKeySchema } from "./env.ts";

/**
 * Serverless functions: a project's named handlers, each deployed as immutable versions with a
 * production alias, invoked over HTTP (sync), through the queue (async), on a schedule or on a
 * platform event. Every invocation is recorded with its cold start, duration, memory, CPU and logs.
 */

export const functionRuntimeNames = ["node", "python", "go", "ruby"] as const;
export const functionRuntimeSchema = z.enum(functionRuntimeNames);
export type FunctionRuntime = z.infer<typeof functionRuntimeSchema>;

/** A DNS label that also reads well in `<function>--<project>.<edge domain>`: no "--" inside. */
export const functionNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "lowercase letters, digits and single hyphens")
  .refine((name) => !name.includes("--"), "no double hyphen (it separates function and project in the URL)");

const entrySchema = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^(?!\/)(?!.*\.\.)[\w./-]+$/, "a relative path inside the function's folder");

/** Where a delivery goes when an async invocation ends: a webhook (POSTed the result) or another function. */
export const destinationSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("webhook"), url: z.url({ protocol: /^https?$/ }).max(2048) }),
  z.strictObject({ type: z.literal("function"), functionId: z.string().max(64) }),
]);
export type Destination = z.infer<typeof destinationSchema>;

export const functionSettingsSchema = z.strictObject({
  memoryMb: z.number().int().min(64).max(4096),
  timeoutSeconds: z.number().int().min(1).max(900),
  /** Invocations one instance serves at once. */
  concurrency: z.number().int().min(1).max(100),
  /** Instances at most; with concurrency, the number of invocations in flight at once. */
  maxInstances: z.number().int().min(1).max(50),
  /** Invocations per minute (sync and async together); null: no limit. */
  rateLimitPerMinute: z.number().int().min(1).max(1_000_000).nullable(),
  /** Private: callers need a token with functions:invoke (HTTP trigger off for the public). */
  isPrivate: z.boolean(),
  /** Whether the project's production env vars are given to the function (its own win on a clash). */
  inheritProjectEnv: z.boolean(),
  async: z.strictObject({
    /** Retries after the first attempt fails (Lambda's default is 2). */
    retries: z.number().int().min(0).max(10),
    /** Delay before the first retry; each next one doubles. */
    retryDelaySeconds: z.number().int().min(1).max(3600),
    /** An event still queued after this long is dropped to the dead letters. */
    maxEventAgeSeconds: z.number().int().min(60).max(21_600),
    onSuccess: destinationSchema.nullable(),
    onFailure: destinationSchema.nullable(),
  }),
});
export type FunctionSettings = z.infer<typeof functionSettingsSchema>;

export const defaultFunctionSettings: FunctionSettings = {
  memoryMb: 128,
  timeoutSeconds: 10,
  concurrency: 1,
  maxInstances: 10,
  rateLimitPerMinute: null,
  isPrivate: false,
  inheritProjectEnv: true,
  async: { retries: 2, retryDelaySeconds: 60, maxEventAgeSeconds: 21_600, onSuccess: null, onFailure: null },
};

export const functionVersionStatuses = ["ready", "failed"] as const;

export const functionVersionSchema = z.object({
  id: z.string(),
  functionId: z.string(),
  /** 1, 2, 3… per function. */
  number: z.number().int(),
  status: z.enum(functionVersionStatuses),
  runtime: functionRuntimeSchema,
  entry: z.string(),
  /** The compiler's or parser's message when the deploy failed. */
  error: z.string().nullable(),
  sizeBytes: z.number().int().nullable(),
  /** How long packaging took (install, transpile, compile). */
  buildMs: z.number().int().nullable(),
  isProduction: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type FunctionVersion = z.infer<typeof functionVersionSchema>;

export const functionSchema = z.object({
  id: z.string(),
  teamId: z.string(),
  projectId: z.string(),
  projectSlug: z.string(),
  name: z.string(),
  runtime: functionRuntimeSchema,
  entry: z.string(),
  settings: functionSettingsSchema,
  /** `http://<function>--<project>.<edge domain>:<port>` */
  url: z.string(),
  productionVersionId: z.string().nullable(),
  productionVersion: z.number().int().nullable(),
  lastInvocationAt: z.iso.datetime().nullable(),
  /** Over the last 24 hours. */
  invocations24h: z.number().int(),
  errorRate24h: z.number().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ServerlessFunction = z.infer<typeof functionSchema>;

/** Files of a function by relative path, as text: what the dashboard's editor sends and shows. */
export const functionFilesSchema = z
  .record(entrySchema, z.string().max(1_000_000))
  .refine((files) => Object.keys(files).length > 0 && Object.keys(files).length <= 100, "between 1 and 100 files");
export type FunctionFiles = z.infer<typeof functionFilesSchema>;

export const createFunctionSchema = z.strictObject({
  name: functionNameSchema,
  runtime: functionRuntimeSchema,
  /** Defaults per runtime: index.mjs, main.py, main.go, main.rb. */
  entry: entrySchema.optional(),
  settings: functionSettingsSchema.partial().strict().optional(),
  /** The first version's code; without it, the runtime's template is deployed. */
  files: functionFilesSchema.optional(),
});
export type CreateFunctionInput = z.infer<typeof createFunctionSchema>;

export const updateFunctionSchema = z.strictObject({
  entry: entrySchema.optional(),
  settings: functionSettingsSchema
    .omit({ async: true })
    .partial()
    .strict()
    .extend({ async: functionSettingsSchema.shape.async.partial().strict().optional() })
    .optional(),
});
export type UpdateFunctionInput = z.infer<typeof updateFunctionSchema>;

/** A new version from files (JSON); the CLI uploads a .tar.gz of the folder instead. */
export const deployFunctionSchema = z.strictObject({
  files: functionFilesSchema,
  entry: entrySchema.optional(),
});
export type DeployFunctionInput = z.infer<typeof deployFunctionSchema>;

export const functionSourceSchema = z.object({
  versionId: z.string(),
  entry: z.string(),
  /** Text files only; binaries and node_modules are left out. */
  files: z.record(z.string(), z.string()),
});
export type FunctionSource = z.infer<typeof functionSourceSchema>;

export const rollbackFunctionSchema = z.strictObject({ versionId: z.string().max(64) });

export const functionEnvVarSchema = z.object({
  key: z.string(),
  /** Null for a sensitive value: written, never read back. */
  value: z.string().nullable(),
  isSensitive: z.boolean(),
  updatedAt: z.iso.datetime(),
});
export type FunctionEnvVar = z.infer<typeof functionEnvVarSchema>;
export const setFunctionEnvVarSchema = z.strictObject({
  value: z.string().max(65_536),
  isSensitive: z.boolean().default(false),
});
export const functionEnvKeySchema = envKeySchema;

export const invocationTriggers = ["http", "api", "test", "cron", "event", "async", "destination"] as const;
export const invocationTriggerSchema = z.enum(invocationTriggers);
export type InvocationTrigger = z.infer<typeof invocationTriggerSchema>;

/** queued/running: async in progress; succeeded/failed: done; dead: async out of retries or too old. */
export const invocationStatuses = ["queued", "running", "succeeded", "failed", "dead"] as const;
export const invocationStatusSchema = z.enum(invocationStatuses);
export type InvocationStatus = z.infer<typeof invocationStatusSchema>;

export const invocationOutcomes = ["ok", "error", "timeout", "out_of_memory", "crashed", "load_failed"] as const;

export const invocationSchema = z.object({
  id: z.string(),
  functionId: z.string(),
  versionId: z.string().nullable(),
  versionNumber: z.number().int().nullable(),
  trigger: invocationTriggerSchema,
  mode: z.enum(["sync", "async"]),
  status: invocationStatusSchema,
  /** How the last attempt ended; null while queued. */
  outcome: z.enum(invocationOutcomes).nullable(),
  method: z.string(),
  path: z.string(),
  responseStatus: z.number().int().nullable(),
  isColdStart: z.boolean().nullable(),
  initMs: z.number().nullable(),
  durationMs: z.number().nullable(),
  memoryBytes: z.number().int().nullable(),
  cpuMs: z.number().nullable(),
  attempts: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type Invocation = z.infer<typeof invocationSchema>;

export const invocationDetailSchema = invocationSchema.extend({
  logs: z.array(z.string()),
  /** First 64 KiB of the response body (async and test invocations), as text. */
  responseBody: z.string().nullable(),
});
export type InvocationDetail = z.infer<typeof invocationDetailSchema>;

export const invocationQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  status: invocationStatusSchema.optional(),
  coldStart: z.enum(["true", "false"]).optional(),
  trigger: invocationTriggerSchema.optional(),
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
  /** Matched against the logs and the error. */
  q: z.string().trim().max(200).optional(),
});
export type InvocationQuery = z.infer<typeof invocationQuerySchema>;

export const invokeFunctionSchema = z.strictObject({
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]).default("POST"),
  /** Path and query as the function sees them. */
  path: z
    .string()
    .max(2048)
    .regex(/^\/[^\s]*$/, "a path starting with /")
    .default("/"),
  headers: z.record(z.string().max(256), z.string().max(8192)).default({}),
  body: z
    .string()
    .max(6 * 1024 * 1024)
    .optional(),
  async: z.boolean().default(false),
});
export type InvokeFunctionInput = z.infer<typeof invokeFunctionSchema>;

export const invokeResultSchema = z.object({
  invocation: invocationDetailSchema,
  response: z
    .object({ status: z.number().int(), headers: z.record(z.string(), z.string()), body: z.string() })
    .nullable(),
});
export type InvokeResult = z.infer<typeof invokeResultSchema>;

export const platformEventTypes = [
  "deployment.ready",
  "deployment.promoted",
  "deployment.unhealthy",
  "build.succeeded",
  "build.failed",
  "domain.verified",
  "function.deployed",
  "function.deploy_failed",
  "member.added",
  "member.removed",
] as const;
export const platformEventTypeSchema = z.enum(platformEventTypes);

export const triggerSchema = z.object({
  id: z.string(),
  functionId: z.string(),
  kind: z.enum(["cron", "event"]),
  /** Cron expression (5 or 6 fields), for kind cron. */
  schedule: z.string().nullable(),
  /** IANA zone the schedule is read in. */
  timezone: z.string().nullable(),
  /** Event type, for kind event. */
  event: platformEventTypeSchema.nullable(),
  isEnabled: z.boolean(),
  lastFiredAt: z.iso.datetime().nullable(),
  nextRunAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type FunctionTrigger = z.infer<typeof triggerSchema>;

export const createTriggerSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("cron"),
    schedule: z.string().trim().min(9).max(120),
    timezone: z.string().trim().max(64).default("UTC"),
  }),
  z.strictObject({ kind: z.literal("event"), event: platformEventTypeSchema }),
]);
export type CreateTriggerInput = z.infer<typeof createTriggerSchema>;
export const updateTriggerSchema = z.strictObject({ isEnabled: z.boolean() });

export const metricsRangeSchema = z.strictObject({ range: z.enum(["24h", "7d"]).default("24h") });

export const functionMetricsSchema = z.object({
  range: z.enum(["24h", "7d"]),
  summary: z.object({
    invocations: z.number().int(),
    errors: z.number().int(),
    errorRate: z.number().nullable(),
    coldStarts: z.number().int(),
    coldStartRate: z.number().nullable(),
    p50Ms: z.number().nullable(),
    p95Ms: z.number().nullable(),
    maxMemoryBytes: z.number().int().nullable(),
  }),
  /** Hourly for 24h, every 6 hours for 7d; oldest first, empty buckets included. */
  buckets: z.array(
    z.object({
      start: z.iso.datetime(),
      invocations: z.number().int(),
      errors: z.number().int(),
      coldStarts: z.number().int(),
      p50Ms: z.number().nullable(),
      p95Ms: z.number().nullable(),
      maxMemoryBytes: z.number().int().nullable(),
    }),
  ),
});
export type FunctionMetrics = z.infer<typeof functionMetricsSchema>;

/** Starting code per runtime: what the creation dialog offers and what a function without files gets. */
export const functionTemplates: Record<FunctionRuntime, { entry: string; files: Record<string, string> }> = {
  node: {
    entry: "index.mjs",
    files: {
      "index.mjs": `// A Web Request in, a Response out (as on Vercel, Deno and Cloudflare).
export default async function handler(request) {
  const url = new URL(request.url);
  const name = url.searchParams.get("name") ?? "world";
  console.log(\`greeting \${name}\`);
  return Response.json({ message: \`Hello, \${name}!\`, method: request.method });
}
`,
    },
  },
  python: {
    entry: "main.py",
    files: {
      "main.py": `# request: {"method", "path", "query", "headers", "body"}; return status, headers and body.
import json


def handler(request):
    name = request["query"].get("name", "world")
    print(f"greeting {name}")
    return {
        "status": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"message": f"Hello, {name}!", "method": request["method"]}),
    }
`,
    },
  },
  go: {
    entry: "main.go",
    files: {
      "main.go": `package main

// Request and Response are provided by the Slipway host: Method, Path, Query, Headers, Body.
import (
	"encoding/json"
	"fmt"
)

func Handler(req Request) Response {
	name := req.Query["name"]
	if name == "" {
		name = "world"
	}
	fmt.Println("greeting", name)
	body, _ := json.Marshal(map[string]string{"message": "Hello, " + name + "!", "method": req.Method})
	return Response{Status: 200, Headers: map[string]string{"content-type": "application/json"}, Body: string(body)}
}
`,
    },
  },
  ruby: {
    entry: "main.rb",
    files: {
      "main.rb": `# request: {"method", "path", "query", "headers", "body"}; return status, headers and body.
require "json"

def handler(request)
  name = request["query"]["name"] || "world"
  puts "greeting #{name}"
  {
    status: 200,
    headers: { "content-type" => "application/json" },
    body: JSON.generate(message: "Hello, #{name}!", method: request["method"])
  }
end
`,
    },
  },
};

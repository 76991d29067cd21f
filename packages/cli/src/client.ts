import { type ErrorCode, errorBodySchema } from "@slipway/contracts";
import type { z } from "zod";
import packageJson from "../package.json" with { type: "json" };
import type { Settings } from "./config.ts";
import { CliError } from "./errors.ts";
import type { Output, OutputStream } from "./output.ts";

/** Long enough for a slow server, short enough that a hung one does not hang scripts. */
const requestTimeoutMs = 30_000;

export type InputStream = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

export type Streams = { stdin: InputStream; stdout: OutputStream; stderr: OutputStream };

/** The API said no: the server's own message, with its code and request id for a bug report. */
export class ApiError extends CliError {
  readonly status: number;
  readonly code: ErrorCode;
  readonly requestId: string;

  constructor(status: number, body: z.infer<typeof errorBodySchema>["error"], hint: string | undefined) {
    // The server's 401 text speaks to browsers; the CLI always sent a token, so say what went wrong with it.
    const message =
      body.code === "unauthenticated"
        ? "the API token was not accepted: it may be revoked, expired or mistyped"
        : body.message;
    super(`${message} (${body.code}, request ${body.requestId})`, { hint });
    this.name = "ApiError";
    this.status = status;
    this.code = body.code;
    this.requestId = body.requestId;
  }
}

type RequestOptions = {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Shown next to a spinner while the request is slow. */
  progress?: string;
};

/**
 * What every command gets: the resolved settings, the output, the terminal streams,
 * and authenticated calls to the Slipway API.
 */
export class Client {
  readonly settings: Settings;
  readonly output: Output;
  readonly streams: Streams;

  constructor(settings: Settings, output: Output, streams: Streams) {
    this.settings = settings;
    this.output = output;
    this.streams = streams;
  }

  /** The same client speaking to another server or with another token, e.g. to verify a login. */
  withCredentials(credentials: { api: string; token: string }): Client {
    const settings = { ...this.settings, api: credentials.api, token: credentials.token, tokenSource: undefined };
    return new Client(settings, this.output, this.streams);
  }

  async get<T>(path: string, schema: z.ZodType<T>, options: Omit<RequestOptions, "body"> = {}): Promise<T> {
    return this.#parsed("GET", path, schema, options);
  }

  async post<T>(path: string, body: unknown, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<T> {
    return this.#parsed("POST", path, schema, { ...options, body });
  }

  async delete(path: string, options: RequestOptions = {}): Promise<void> {
    await this.#send("DELETE", path, options);
  }

  async #parsed<T>(method: string, path: string, schema: z.ZodType<T>, options: RequestOptions): Promise<T> {
    const response = await this.#send(method, path, options);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new CliError(`unexpected response from ${method} ${path}${where}: ${issue?.message ?? "invalid"}`, {
      hint: "the server and this CLI may be different versions",
    });
  }

  async #send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const { api, token } = this.settings;
    if (!token) {
      throw new CliError("not logged in", { hint: "run `slipway login`, or set SLIPWAY_TOKEN" });
    }
    const url = new URL(`${api}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      accept: "application/json",
      authorization: `Bearer ${token}`,
      "user-agent": `slipway-cli/${packageJson.version}`,
    };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const request = fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    let response: Response;
    try {
      response = await (options.progress ? this.output.progress(options.progress, request) : request);
    } catch (error) {
      throw new CliError(`cannot reach ${api}: ${describeNetworkError(error)}`, {
        hint: "check that the server is running and SLIPWAY_API or `slipway login --api` points at it",
      });
    }
    if (!response.ok) throw await this.#failure(response, method, path);
    return response;
  }

  async #failure(response: Response, method: string, path: string): Promise<CliError> {
    const body = errorBodySchema.safeParse(await response.json().catch(() => undefined));
    if (!body.success) {
      return new CliError(`${method} ${path} failed: the server answered ${response.status} ${response.statusText}`);
    }
    return new ApiError(response.status, body.data.error, this.#hintFor(body.data.error.code));
  }

  #hintFor(code: ErrorCode): string | undefined {
    if (code === "unauthenticated") {
      const { tokenSource } = this.settings;
      if (tokenSource === "env") return "the token comes from SLIPWAY_TOKEN";
      if (tokenSource === "config") return "run `slipway login` with a valid token";
      return undefined;
    }
    if (code === "forbidden") return "ask a team admin for the permission, or use a token that has that scope";
    return undefined;
  }
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return `no answer after ${requestTimeoutMs / 1000}s`;
  const cause = error.cause;
  if (cause instanceof AggregateError) return cause.errors.map((e) => (e as Error).message).join("; ");
  if (cause instanceof Error) return cause.message || ("code" in cause ? String(cause.code) : cause.name);
  return error.message;
}

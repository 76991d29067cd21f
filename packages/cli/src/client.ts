import { type ErrorCode, errorBodySchema, type Page, pageOf } from "@slipway/contracts";
import type { z } from "zod";
import packageJson from "../package.json" with { type: "json" };
import type { Settings } from "./config.ts";
import { CliError } from "./errors.ts";
import type { Output, OutputStream } from "./output.ts";

/** Long enough for a slow server, short enough that a hung one does not hang scripts. */
const requestTimeoutMs = 30_000;
/** The most the API returns in one page. */
const maxPageSize = 100;

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
  headers?: Record<string, string>;
  /** Shown next to a spinner while the request is slow. */
  progress?: string;
  /** Stops the request, e.g. on Ctrl-C. */
  signal?: AbortSignal;
  /** Null for requests that take as long as they take: uploads and event streams. */
  timeoutMs?: number | null;
};

/** A body sent as is rather than as JSON; `length` lets the server refuse an oversized upload at once. */
export type RawBody = { stream: ReadableStream<Uint8Array>; contentType: string; length: number };

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

  async patch<T>(path: string, body: unknown, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<T> {
    return this.#parsed("PATCH", path, schema, { ...options, body });
  }

  async delete(path: string, options: RequestOptions = {}): Promise<void> {
    await this.#send("DELETE", path, options);
  }

  /** POSTs `raw` as the body; no timeout, since a large upload on a slow link takes long. */
  async upload<T>(path: string, raw: RawBody, schema: z.ZodType<T>, options: Omit<RequestOptions, "body"> = {}) {
    return this.#parsed("POST", path, schema, { timeoutMs: null, ...options, body: raw });
  }

  /** Opens a long-lived GET (server-sent events); the caller reads the body. */
  async stream(path: string, options: Pick<RequestOptions, "query" | "headers" | "signal"> = {}): Promise<Response> {
    const headers = { accept: "text/event-stream", ...options.headers };
    return this.#send("GET", path, { ...options, headers, timeoutMs: null });
  }

  /** Every item of a paginated list, following `nextCursor` page by page. */
  async listAll<T>(path: string, itemSchema: z.ZodType<T>, options: Omit<RequestOptions, "body"> = {}): Promise<T[]> {
    const pageSchema: z.ZodType<Page<T>> = pageOf(itemSchema);
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.get(path, pageSchema, {
        ...options,
        query: { ...options.query, limit: maxPageSize, cursor },
      });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
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
      ...options.headers,
      authorization: `Bearer ${token}`,
      "user-agent": `slipway-cli/${packageJson.version}`,
    };
    const raw = isRawBody(options.body) ? options.body : undefined;
    if (raw) {
      headers["content-type"] = raw.contentType;
      headers["content-length"] = String(raw.length);
    } else if (options.body !== undefined) headers["content-type"] = "application/json";
    const timeoutMs = options.timeoutMs === undefined ? requestTimeoutMs : options.timeoutMs;
    const signals = [options.signal, timeoutMs === null ? undefined : AbortSignal.timeout(timeoutMs)];
    const request = fetch(url, {
      method,
      headers,
      body: raw ? raw.stream : options.body === undefined ? undefined : JSON.stringify(options.body),
      // Required by fetch for a streamed body: the response may start before the upload ends.
      ...(raw ? { duplex: "half" as const } : {}),
      signal: AbortSignal.any(signals.filter((signal) => signal !== undefined)),
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

function isRawBody(body: unknown): body is RawBody {
  return typeof body === "object" && body !== null && "stream" in body && body.stream instanceof ReadableStream;
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return `no answer after ${requestTimeoutMs / 1000}s`;
  const cause = error.cause;
  if (cause instanceof AggregateError) return cause.errors.map((e) => (e as Error).message).join("; ");
  if (cause instanceof Error) return cause.message || ("code" in cause ? String(cause.code) : cause.name);
  return error.message;
}

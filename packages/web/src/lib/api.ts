import { errorBodySchema } from "@slipway/contracts";
import { z } from "zod";

/**
 * A failed API call. Carries the server's error code and request id so the UI can show
 * them; `status` 0 means the server could not be reached at all.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly requestId: string | null;

  constructor(init: { status: number; code: string; message: string; details?: unknown; requestId?: string | null }) {
    super(init.message);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.requestId = init.requestId ?? null;
  }

  /** Per-field messages from a `validation_failed` answer, keyed by the body field name. */
  get fieldErrors(): Record<string, string> {
    const parsed = validationDetailsSchema.safeParse(this.details);
    if (!parsed.success) return {};
    const fields: Record<string, string> = {};
    for (const issue of parsed.data.issues) {
      const field = issue.path.split("/").filter(Boolean).at(-1);
      if (field && !(field in fields)) fields[field] = issue.message;
    }
    return fields;
  }
}

const validationDetailsSchema = z.object({ issues: z.array(z.object({ path: z.string(), message: z.string() })) });

/** better-auth answers with `{ code, message }` instead of the v1 envelope. */
const authErrorSchema = z.object({ code: z.string().optional(), message: z.string().min(1) });

export function isApiError(error: unknown, status?: number): error is ApiError {
  return error instanceof ApiError && (status === undefined || error.status === status);
}

async function toApiError(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  const v1 = errorBodySchema.safeParse(body);
  if (v1.success) return new ApiError({ status: response.status, ...v1.data.error });
  const auth = authErrorSchema.safeParse(body);
  if (auth.success) {
    return new ApiError({
      status: response.status,
      code: auth.data.code?.toLowerCase() ?? `http_${response.status}`,
      message: auth.data.message,
    });
  }
  const message = response.status >= 500 ? "The server ran into a problem" : response.statusText || "Request failed";
  return new ApiError({ status: response.status, code: `http_${response.status}`, message });
}

export type Query = Record<string, string | number | boolean | null | undefined>;

type RequestOptions = {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
};

/** `path?key=value…`, leaving out empty values. */
export function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const hasBody = options.body !== undefined;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method: options.method ?? "GET",
      credentials: "include",
      headers: { Accept: "application/json", ...(hasBody ? { "Content-Type": "application/json" } : {}) },
      body: hasBody ? JSON.stringify(options.body) : null,
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError({
      status: 0,
      code: "network",
      message: "Can't reach the Slipway server. Check your connection.",
    });
  }
  if (!response.ok) throw await toApiError(response);
  return response;
}

/** Calls the API and checks the answer against its contract schema. */
export async function apiJson<T>(path: string, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  const parsed = schema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) {
    // A shape the contract does not allow is a server bug; say where, not what.
    throw new ApiError({ status: response.status, code: "bad_response", message: `Unexpected answer from ${path}` });
  }
  return parsed.data;
}

/** Calls the API for its effect only (204s and answers the UI does not read). */
export async function apiVoid(path: string, options: RequestOptions = {}): Promise<void> {
  await send(path, options);
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong";
}

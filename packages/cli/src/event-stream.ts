import type { z } from "zod";
import { ApiError, type Client } from "./client.ts";
import { CliError } from "./errors.ts";

/** One dispatched server-sent event. `id` is the stream's last event id when it was dispatched. */
export type ServerEvent = { type: string; data: string; id: string };

/**
 * The text/event-stream format (WHATWG HTML, "server-sent events"), fed text as it arrives.
 * It keeps `lastEventId` across events and across reconnections, so a dropped stream resumes
 * with `Last-Event-ID` where it stopped; comments (`: keep-alive`) dispatch nothing.
 */
export class EventStreamParser {
  /** The id to send as Last-Event-ID when reconnecting: that of the last complete event, if it had one. */
  lastEventId = "";
  /** The reconnection delay the server asked for with `retry:`, if it did. */
  retryMs: number | undefined;
  #buffer = "";
  /** An `id:` counts only once its event is complete; a half-received event must be sent again. */
  #id = "";
  #type = "";
  #data: string[] = [];
  /** A chunk ended in \r: a \n starting the next chunk belongs to the same line break. */
  #isAfterCarriageReturn = false;

  /** Feeds decoded text; returns the events it completed. */
  push(text: string): ServerEvent[] {
    if (text === "") return [];
    let input = text;
    if (this.#isAfterCarriageReturn && input.startsWith("\n")) input = input.slice(1);
    this.#isAfterCarriageReturn = input.endsWith("\r");
    this.#buffer += input;
    const events: ServerEvent[] = [];
    const lines = this.#buffer.split(/\r\n|\r|\n/);
    this.#buffer = lines.pop() ?? "";
    for (const line of lines) {
      const event = this.#line(line);
      if (event) events.push(event);
    }
    return events;
  }

  /** Forgets a half-received event; a new connection starts clean but keeps `lastEventId`. */
  reset(): void {
    this.#buffer = "";
    this.#id = this.lastEventId;
    this.#type = "";
    this.#data = [];
    this.#isAfterCarriageReturn = false;
  }

  #line(line: string): ServerEvent | undefined {
    if (line === "") return this.#dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.#data.push(value);
    else if (field === "event") this.#type = value;
    else if (field === "id" && !value.includes("\0")) this.#id = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }

  #dispatch(): ServerEvent | undefined {
    this.lastEventId = this.#id;
    const type = this.#type || "message";
    const data = this.#data;
    this.#type = "";
    this.#data = [];
    if (data.length === 0) return undefined;
    return { type, data: data.join("\n"), id: this.lastEventId };
  }
}

/** The server sent nothing, not even a heartbeat, for too long: the connection is presumed dead. */
export class StreamIdleError extends Error {
  constructor(idleMs: number) {
    super(`no data for ${Math.round(idleMs / 1000)}s`);
    this.name = "StreamIdleError";
  }
}

/**
 * Reads an event-stream body through `parser`, yielding each event as it completes. Throws
 * StreamIdleError when nothing arrives for `idleTimeoutMs`, and whatever the connection
 * throws when it drops; returns when the server closes the stream.
 */
export async function* readEventStream(
  body: ReadableStream<Uint8Array>,
  parser: EventStreamParser,
  options: { idleTimeoutMs: number },
): AsyncGenerator<ServerEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let timer: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StreamIdleError(options.idleTimeoutMs)), options.idleTimeoutMs);
      });
      const chunk = await Promise.race([reader.read(), idle]);
      clearTimeout(timer);
      if (chunk.done) {
        yield* parser.push(decoder.decode());
        return;
      }
      yield* parser.push(decoder.decode(chunk.value, { stream: true }));
    }
  } finally {
    clearTimeout(timer);
    // Ends the connection when the consumer stops early or the stream went idle.
    await reader.cancel().catch(() => undefined);
  }
}

/** The server sends a heartbeat every 15 s; three missed ones mean the connection is dead. */
const idleTimeoutMs = 45_000;
/** Reconnections in a row without receiving anything before giving up. */
const maxReconnects = 8;
const defaultRetryMs = 1000;

/**
 * Reads the server-sent events of `path`, reconnecting with Last-Event-ID when the connection
 * drops or the server closes it, so no event is lost or repeated. `onEvent` answers undefined to
 * read on, or a value to stop with; resolves to that value, or null when `signal` stopped it.
 */
export async function followEventStream<T>(
  client: Client,
  options: {
    path: string;
    query?: Record<string, string | number | undefined>;
    signal?: AbortSignal;
    onEvent: (event: ServerEvent) => T | undefined | Promise<T | undefined>;
    /** Named in the error when reconnecting fails for good, e.g. "build log". */
    streamName: string;
    /** How to pick the stream up again after giving up. */
    giveUpHint: string;
  },
): Promise<T | null> {
  const { signal } = options;
  const parser = new EventStreamParser();
  let failures = 0;
  for (;;) {
    if (signal?.aborted) return null;
    try {
      const headers: Record<string, string> = parser.lastEventId ? { "last-event-id": parser.lastEventId } : {};
      const response = await client.stream(options.path, { query: options.query, headers, signal });
      if (!response.body) throw new CliError(`the ${options.streamName} stream has no body`);
      parser.reset();
      for await (const event of readEventStream(response.body, parser, { idleTimeoutMs })) {
        failures = 0;
        const result = await options.onEvent(event);
        if (result !== undefined) return result;
      }
    } catch (error) {
      if (signal?.aborted) return null;
      if (!isRetryable(error)) throw error;
      if (failures === 0) client.output.note(`Lost the log stream (${messageOf(error)}); reconnecting…`);
    }
    failures += 1;
    if (failures > maxReconnects) {
      throw new CliError(`lost the ${options.streamName} stream and could not reconnect`, {
        hint: options.giveUpHint,
      });
    }
    await sleep(Math.min(parser.retryMs ?? defaultRetryMs, 10_000) * Math.min(failures, 5), signal);
  }
}

/**
 * Server errors and dropped or silent connections are worth another try; a 404 or a refused
 * token is not.
 */
function isRetryable(error: unknown): boolean {
  if (error instanceof ApiError) return error.status >= 500;
  // CliError: the server could not be reached; TypeError: fetch's "terminated" when the connection drops.
  return error instanceof CliError || error instanceof StreamIdleError || error instanceof TypeError;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** An event's data as JSON of `schema`, or undefined when it is not (a newer server, a cut line). */
export function parseEventData<T>(event: ServerEvent, schema: z.ZodType<T>): T | undefined {
  let json: unknown;
  try {
    json = JSON.parse(event.data);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

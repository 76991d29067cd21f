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

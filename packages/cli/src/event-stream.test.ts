import { describe, expect, it } from "vitest";
import { EventStreamParser, readEventStream, type ServerEvent, StreamIdleError } from "./event-stream.ts";

/** Feeds `chunks` one by one and collects every event. */
function parse(chunks: readonly string[], parser = new EventStreamParser()): ServerEvent[] {
  return chunks.flatMap((chunk) => parser.push(chunk));
}

function bodyOf(chunks: readonly (string | Uint8Array)[], options: { isOpen?: boolean } = {}) {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      if (!options.isOpen) controller.close();
    },
  });
}

async function collect(stream: AsyncIterable<ServerEvent>): Promise<ServerEvent[]> {
  const events: ServerEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const lineEvent = 'id: 7\nevent: line\ndata: {"seq":7,"text":"hello"}\n\n';

describe("EventStreamParser", () => {
  it("reads the events the build log stream sends, with their type, data and id", () => {
    const events = parse([`${lineEvent}event: end\ndata: {"status":"succeeded"}\n\n`]);
    expect(events).toEqual([
      { type: "line", data: '{"seq":7,"text":"hello"}', id: "7" },
      // An event without an id keeps the last one: that is where a reconnection resumes.
      { type: "end", data: '{"status":"succeeded"}', id: "7" },
    ]);
  });

  it("gives the same events however the text is cut into chunks", () => {
    const text = `${lineEvent}: keep-alive\n\nevent: build\ndata: {"a":1}\r\n\r\nid: 8\rdata: x\r\r`;
    const whole = parse([text]);
    expect(whole.map((event) => event.type)).toEqual(["line", "build", "message"]);
    for (let cut = 1; cut < text.length; cut++) {
      expect(parse([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(whole);
    }
    expect(parse([...text])).toEqual(whole);
  });

  it("treats \\r\\n split across two chunks as one line break, not an empty line", () => {
    const events = parse(["data: a\r", "", "\ndata: b\r\n", "\r\n"]);
    expect(events).toEqual([{ type: "message", data: "a\nb", id: "" }]);
  });

  it("joins multi-line data with \\n and strips one space after the colon only", () => {
    const events = parse(["data: first\ndata:second\ndata:  third\ndata\n\n"]);
    expect(events).toEqual([{ type: "message", data: "first\nsecond\n third\n", id: "" }]);
  });

  it("dispatches nothing for comments, heartbeats and events without data", () => {
    expect(parse([": keep-alive\n\n", ":\n\n", "event: line\n\n", "id: 3\n\n"])).toEqual([]);
  });

  it("keeps the last event id across events and ignores an id with a NUL", () => {
    const parser = new EventStreamParser();
    parse(["id: 1\ndata: a\n\n", "data: b\n\n", "id: 2\u0000\ndata: c\n\n"], parser);
    expect(parser.lastEventId).toBe("1");
    parse(["id: 5\ndata: d\n\n"], parser);
    expect(parser.lastEventId).toBe("5");
  });

  it("records the reconnection delay the server asks for, and ignores one that is not a number", () => {
    const parser = new EventStreamParser();
    parse(["retry: 2500\n\n", "retry: soon\n\n"], parser);
    expect(parser.retryMs).toBe(2500);
  });

  it("counts an id only once its event is complete, so a reconnection asks for a half-received one again", () => {
    const parser = new EventStreamParser();
    parse(["id: 1\ndata: a\n\nid: 2\ndata: b"], parser);
    expect(parser.lastEventId).toBe("1");
    parse(["\n\n"], parser);
    expect(parser.lastEventId).toBe("2");
  });

  it("forgets a half-received event on reset, but not the last event id", () => {
    const parser = new EventStreamParser();
    parse(["id: 4\ndata: done\n\n", "id: 5\nevent: line\ndata: half"], parser);
    parser.reset();
    expect(parse(["data: fresh\n\n"], parser)).toEqual([{ type: "message", data: "fresh", id: "4" }]);
  });
});

describe("readEventStream", () => {
  it("decodes characters split across chunks and drops an event the stream never finished", async () => {
    const bytes = new TextEncoder().encode("data: né\n\ndata: unfinished");
    const split = bytes.indexOf(0xc3) + 1;
    const body = bodyOf([bytes.slice(0, split), bytes.slice(split)]);
    const events = await collect(readEventStream(body, new EventStreamParser(), { idleTimeoutMs: 1000 }));
    expect(events).toEqual([{ type: "message", data: "né", id: "" }]);
  });

  it("gives up on a connection that sends nothing, not even a heartbeat, for the idle timeout", async () => {
    const body = bodyOf([lineEvent], { isOpen: true });
    const seen: ServerEvent[] = [];
    const reading = (async () => {
      for await (const event of readEventStream(body, new EventStreamParser(), { idleTimeoutMs: 50 })) seen.push(event);
    })();
    await expect(reading).rejects.toBeInstanceOf(StreamIdleError);
    expect(seen.map((event) => event.id)).toEqual(["7"]);
  });
});

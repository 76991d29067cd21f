import type { z } from "zod";

/**
 * Where a log stream stands. `connecting` covers the browser's own reconnects (it resumes
 * after the last event id it got); `ended` is a stream the server finished on purpose.
 */
export type LogPhase = "connecting" | "live" | "ended" | "unavailable";

/** Lines arrive in bursts; the viewer re-renders at most this often. */
const flushMs = 50;

/** An event's JSON data checked against `schema`; null for anything else. */
export function parseEvent<T>(schema: z.ZodType<T>, event: Event): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse((event as MessageEvent<string>).data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Opens a server-sent event stream of log lines (`line` events), same origin so the session
 * cookie goes along. Lines come out in batches, in order, each once (by `idOf`, which grows);
 * other event names go to `on`. `finish()` hands over what is pending and closes;
 * `close()` drops it (the reader is gone).
 */
export function openLineStream<T>(options: {
  url: string;
  line: z.ZodType<T>;
  idOf: (line: T) => number;
  onLines: (batch: T[]) => void;
  onPhase: (phase: LogPhase) => void;
  on?: Record<string, (event: Event) => void>;
}) {
  const source = new EventSource(options.url, { withCredentials: true });
  let pending: T[] = [];
  let lastId = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    options.onLines(batch);
  };

  source.addEventListener("open", () => options.onPhase("live"));
  source.addEventListener("line", (event) => {
    const line = parseEvent(options.line, event);
    if (!line || options.idOf(line) <= lastId) return;
    lastId = options.idOf(line);
    pending.push(line);
    timer ??= setTimeout(flush, flushMs);
  });
  for (const [name, handler] of Object.entries(options.on ?? {})) source.addEventListener(name, handler);
  source.addEventListener("error", () => {
    // CLOSED: the server refused (signed out, no access, gone); otherwise the browser is reconnecting.
    options.onPhase(source.readyState === EventSource.CLOSED ? "unavailable" : "connecting");
  });

  return {
    /** Hands over the lines received so far (e.g. before acting on an event that follows them). */
    flush,
    finish() {
      source.close();
      flush();
    },
    close() {
      source.close();
      clearTimeout(timer);
    },
  };
}

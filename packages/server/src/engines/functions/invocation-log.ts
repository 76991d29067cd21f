/**
 * What a function host prints reaches the platform as lines on its stdout and stderr. An
 * instance may serve several invocations at once, so each host tags the lines printed inside a
 * handler with the invocation's id, and closes each request's output on both streams with an
 * end marker: the response can arrive before the last lines do (they travel on another pipe),
 * and the marker says when nothing more is coming.
 *
 *   \x1f<id>\x1f<text>   a line printed by invocation <id>
 *   \x1f<id>\x1e         invocation <id> printed nothing more on this stream
 *
 * A host cannot tag everything (a thread the handler started, Go's fmt): such lines belong to
 * whichever invocations are in flight when they arrive.
 *
 * A host may answer with the header below, listing the streams the invocation printed on
 * ("stdout, stderr", or "none"): it closes only those, and the runtime waits for only those
 * markers, so an invocation that printed nothing waits for none. The header is the host's
 * (it drops one the handler set) and never reaches the caller.
 */
export const outputHeader = "x-slipway-output";

/** Kept per invocation; past either figure the rest is counted, not kept. */
export const maxLogLines = 200;
export const maxLogBytes = 64 * 1024;
/** One line longer than this is cut: one endless line must not take the whole budget. */
const maxLineBytes = 8 * 1024;

const tag = "\x1f";
const endMark = "\x1e";

export type HostLine =
  | { kind: "untagged"; text: string }
  | { kind: "line"; invocationId: string; text: string }
  | { kind: "end"; invocationId: string };

export function parseHostLine(line: string): HostLine {
  if (!line.startsWith(tag)) return { kind: "untagged", text: line };
  const close = line.indexOf(tag, 1);
  if (close === -1) {
    const end = line.indexOf(endMark, 1);
    if (end !== -1 && end === line.length - 1) return { kind: "end", invocationId: line.slice(1, end) };
    return { kind: "untagged", text: line };
  }
  return { kind: "line", invocationId: line.slice(1, close), text: line.slice(close + 1) };
}

export type InvocationLog = {
  id: string;
  push(stream: "stdout" | "stderr", text: string): void;
  markEnded(stream: "stdout" | "stderr"): void;
  /**
   * Waits until the host has closed this id's output on both streams, or on those `printed`
   * (the host's header) names, or until waitMs passed; then expects the next request under the
   * same id (a cold start's load, then its invocation).
   */
  drained(waitMs: number, printed?: string): Promise<void>;
  /** The lines kept, and "… N more lines" when some were not. */
  lines(): string[];
};

export function createInvocationLog(id: string): InvocationLog {
  const kept: string[] = [];
  let bytes = 0;
  let dropped = 0;
  const ended = { stdout: false, stderr: false };
  /** The streams the current request closes. */
  const closing = { stdout: true, stderr: true };
  const isDrained = () => (ended.stdout || !closing.stdout) && (ended.stderr || !closing.stderr);
  let onEnded: (() => void) | null = null;

  return {
    id,
    push(stream, text) {
      let line = stream === "stderr" ? `[stderr] ${text}` : text;
      if (Buffer.byteLength(line) > maxLineBytes) line = `${Buffer.from(line).subarray(0, maxLineBytes).toString()}…`;
      const size = Buffer.byteLength(line);
      if (dropped > 0 || kept.length >= maxLogLines || bytes + size > maxLogBytes) {
        dropped += 1;
        return;
      }
      kept.push(line);
      bytes += size;
    },
    markEnded(stream) {
      ended[stream] = true;
      if (isDrained()) onEnded?.();
    },
    async drained(waitMs, printed) {
      if (printed !== undefined) {
        const streams = printed.split(",").map((name) => name.trim());
        closing.stdout = streams.includes("stdout");
        closing.stderr = streams.includes("stderr");
      }
      if (!isDrained()) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          onEnded = resolve;
          timer = setTimeout(resolve, waitMs);
        });
        clearTimeout(timer);
        onEnded = null;
      }
      ended.stdout = false;
      ended.stderr = false;
      closing.stdout = true;
      closing.stderr = true;
    },
    lines: () => (dropped > 0 ? [...kept, `… ${dropped} more ${dropped === 1 ? "line" : "lines"}`] : [...kept]),
  };
}

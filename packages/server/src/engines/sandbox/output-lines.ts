import { StringDecoder } from "node:string_decoder";

/** Past this a line is cut in pieces: a build that prints one endless line must not hold it all in memory. */
const maxLineLength = 16_384;

export type LineSplitter = { push(chunk: Buffer): void; end(): void };

/** Turns a byte stream into whole UTF-8 lines (without the newline, a trailing \r dropped). */
export function createLineSplitter(onLine: (line: string) => void): LineSplitter {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  const emit = (line: string) => onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
  const flushComplete = () => {
    let newline = pending.indexOf("\n");
    while (newline >= 0) {
      emit(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
    }
    while (pending.length > maxLineLength) {
      emit(pending.slice(0, maxLineLength));
      pending = pending.slice(maxLineLength);
    }
  };
  return {
    push(chunk) {
      pending += decoder.write(chunk);
      flushComplete();
    },
    end() {
      pending += decoder.end();
      flushComplete();
      if (pending.length > 0) emit(pending);
      pending = "";
    },
  };
}

/** The part of a stream the CLI writes to; `isTTY` decides whether progress is drawn. */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean };

const spinnerFrames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
/** Quick answers finish before the spinner would show, so it never flickers. */
const spinnerDelayMs = 250;

/**
 * stdout carries the result only (a table, a line, or JSON with `--json`) so it can be piped;
 * notes, warnings, errors and progress go to stderr.
 */
export class Output {
  readonly isJson: boolean;
  readonly #stdout: OutputStream;
  readonly #stderr: OutputStream;

  constructor(streams: { stdout: OutputStream; stderr: OutputStream }, options: { isJson: boolean }) {
    this.#stdout = streams.stdout;
    this.#stderr = streams.stderr;
    this.isJson = options.isJson;
  }

  /** A human line on stdout; dropped in `--json` mode so stdout stays parseable. */
  print(text = ""): void {
    if (!this.isJson) this.#stdout.write(`${text}\n`);
  }

  json(value: unknown): void {
    this.#stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Prints `json` with `--json`, otherwise calls `human` to print for people. */
  result(json: unknown, human: () => void): void {
    if (this.isJson) this.json(json);
    else human();
  }

  note(text: string): void {
    this.#stderr.write(`${text}\n`);
  }

  warn(text: string): void {
    this.#stderr.write(`warning: ${text}\n`);
  }

  error(text: string): void {
    this.#stderr.write(`error: ${text}\n`);
  }

  table(headers: readonly string[], rows: readonly (readonly string[])[]): void {
    const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)));
    const line = (cells: readonly string[]) =>
      cells
        .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd();
    this.print(line(headers));
    for (const row of rows) this.print(line(row));
  }

  /** Shows a spinner on stderr while `work` runs, only when stderr is a terminal. */
  async progress<T>(label: string, work: Promise<T>): Promise<T> {
    if (!this.#stderr.isTTY) return work;
    let frame = 0;
    let isDrawn = false;
    const draw = () => {
      this.#stderr.write(`\r${spinnerFrames[frame++ % spinnerFrames.length]} ${label}`);
      isDrawn = true;
    };
    let timer: NodeJS.Timeout | undefined;
    const delay = setTimeout(() => {
      draw();
      timer = setInterval(draw, 80);
    }, spinnerDelayMs);
    try {
      return await work;
    } finally {
      clearTimeout(delay);
      clearInterval(timer);
      if (isDrawn) this.#stderr.write("\r\x1b[2K");
    }
  }
}

/** A date as people read it in a table; `fallback` for a missing one. */
export function formatDate(iso: string | null, fallback = "never"): string {
  if (!iso) return fallback;
  return iso.slice(0, 10);
}

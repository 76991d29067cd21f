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

  /** One value as one line of JSON (JSON Lines), for output that streams, like a log. */
  jsonLine(value: unknown): void {
    this.#stdout.write(`${JSON.stringify(value)}\n`);
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

  /**
   * A bar of bytes sent on stderr, drawn only when stderr is a terminal and at most every
   * 100 ms; `done()` clears it.
   */
  transfer(label: string, total: number): { advance(sent: number): void; done(): void } {
    const stderr = this.#stderr;
    if (!stderr.isTTY) return { advance: () => {}, done: () => {} };
    let lastDrawn = 0;
    const draw = (sent: number) => {
      const ratio = total > 0 ? Math.min(sent / total, 1) : 1;
      const filled = Math.round(ratio * barWidth);
      const bar = `${"█".repeat(filled)}${"░".repeat(barWidth - filled)}`;
      stderr.write(`\r${label} ${bar} ${formatBytes(sent)} / ${formatBytes(total)} ${Math.floor(ratio * 100)}%\x1b[K`);
    };
    draw(0);
    return {
      advance(sent) {
        const now = Date.now();
        if (now - lastDrawn < 100 && sent < total) return;
        lastDrawn = now;
        draw(sent);
      },
      done: () => stderr.write("\r\x1b[2K"),
    };
  }
}

const barWidth = 24;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["kB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A date as people read it in a table; `fallback` for a missing one. */
export function formatDate(iso: string | null, fallback = "never"): string {
  if (!iso) return fallback;
  return iso.slice(0, 10);
}

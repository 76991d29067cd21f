/** The first line of files `slipway env pull` writes; a file without it was written by someone else. */
export const dotenvHeader = "# Written by `slipway env pull`. Pull again rather than editing by hand.";

/**
 * A dotenv file of `entries`, read back the same by dotenv, Vite and `node --env-file`; the
 * keys of values no quoting can hold are left out and listed in `unwritable`.
 */
export function formatDotenv(entries: readonly { key: string; value: string }[]): {
  text: string;
  unwritable: string[];
} {
  const lines = [dotenvHeader];
  const unwritable: string[] = [];
  for (const { key, value } of entries) {
    const quoted = quoteDotenvValue(value);
    if (quoted === null) unwritable.push(key);
    else lines.push(`${key}=${quoted}`);
  }
  return { text: `${lines.join("\n")}\n`, unwritable };
}

/** The value in the first quoting that holds it literally; null when none can. */
export function quoteDotenvValue(value: string): string | null {
  // Single quotes: nothing inside is interpreted, but they hold neither ' nor a line break.
  if (!/['\r\n]/.test(value)) return `'${value}'`;
  // Double quotes turn \n and \r into line breaks; other backslashes and " would be misread.
  if (!/["\\]/.test(value)) return `"${value.replace(/\n/g, "\\n").replace(/\r/g, "\\r")}"`;
  // Backticks hold everything but a backtick, line breaks included.
  if (!value.includes("`")) return `\`${value}\``;
  return null;
}

import { type AnyColumn, and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import { AppError } from "./errors.ts";

/** Cursors are opaque to clients: the last row's time and id, base64url. */
export type Cursor = { createdAt: Date; id: string };

export function encodeCursor(row: Cursor): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (!cursor) return undefined;
  const [time, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(time ?? "");
  if (!id || Number.isNaN(createdAt.getTime())) throw new AppError("bad_request", "cursor is not valid");
  return { createdAt, id };
}

/** Newest first, stable under equal timestamps. */
export function afterCursor(
  columns: { createdAt: AnyColumn; id: AnyColumn },
  cursor: Cursor | undefined,
): SQL | undefined {
  if (!cursor) return undefined;
  return or(
    lt(columns.createdAt, cursor.createdAt),
    and(eq(columns.createdAt, cursor.createdAt), lt(columns.id, cursor.id)),
  );
}

export function newestFirst(columns: { createdAt: AnyColumn; id: AnyColumn }) {
  return [desc(columns.createdAt), desc(columns.id)];
}

/** Takes limit+1 rows and turns them into a page; `cursorOf` says where a row sits in the order. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  cursorOf: (row: R) => Cursor = (row) => row as unknown as Cursor,
) {
  const hasMore = rows.length > limit;
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(map), nextCursor: hasMore && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}

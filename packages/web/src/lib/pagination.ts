import { infiniteQueryOptions, type QueryKey } from "@tanstack/react-query";
import { z } from "zod";
import { apiJson } from "./api";

type Query = Record<string, string | number | undefined>;

/** Infinite query over a `{ items, nextCursor }` list; "Load more" asks for the next cursor. */
export function cursorPagesOptions<T, K extends QueryKey>(options: {
  queryKey: K;
  path: string;
  item: z.ZodType<T>;
  query?: Query;
  limit?: number;
}) {
  const schema = z.object({ items: z.array(options.item), nextCursor: z.string().nullable() });
  return infiniteQueryOptions({
    queryKey: options.queryKey,
    queryFn: ({ pageParam, signal }) =>
      apiJson(options.path, schema, {
        query: { ...options.query, limit: options.limit ?? 25, cursor: pageParam },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function flattenPages<T>(data: { pages: { items: T[] }[] } | undefined): T[] {
  return data?.pages.flatMap((page) => page.items) ?? [];
}

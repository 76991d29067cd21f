import type { ReactNode } from "react";
import { flattenPages } from "../lib/pagination";
import { cn } from "../lib/utils";
import { LoadMore } from "./load-more";
import { ErrorState } from "./states";
import { Skeleton } from "./ui/skeleton";

/** What `PagedList` reads from a `useInfiniteQuery` over `cursorPagesOptions`. */
type PagedQuery<T> = {
  data: { pages: { items: T[] }[] } | undefined;
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => Promise<unknown>;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
};

/**
 * The body of a card that lists a cursor-paged query: skeleton rows while it loads, the error
 * with a retry, `empty` when there is nothing, else `children(items)`; then "Load more".
 */
export function PagedList<T>({
  query,
  skeletonRows = 3,
  skeletonClassName = "h-9",
  isBelowHeader = false,
  empty,
  children,
}: {
  query: PagedQuery<T>;
  skeletonRows?: number;
  skeletonClassName?: string;
  /** Under a card header the states draw a rule above themselves, as the list does. */
  isBelowHeader?: boolean;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  const items = flattenPages(query.data);
  const rule = isBelowHeader ? "border-t" : undefined;
  return (
    <>
      {query.isPending ? (
        <div className={cn("grid gap-3 p-4", rule)}>
          {Array.from({ length: skeletonRows }, (_, row) => row).map((row) => (
            <Skeleton key={row} className={skeletonClassName} />
          ))}
        </div>
      ) : query.isError ? (
        <div className={cn("p-4", rule)}>
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        </div>
      ) : items.length === 0 ? (
        <div className={rule}>{empty}</div>
      ) : (
        children(items)
      )}
      <LoadMore {...query} />
    </>
  );
}

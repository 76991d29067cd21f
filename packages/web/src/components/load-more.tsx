import { Button } from "./ui/button";

/** The footer of a cursor-paginated list. */
export function LoadMore({
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
}: {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}) {
  if (!hasNextPage) return null;
  return (
    <div className="flex justify-center border-t p-3">
      <Button variant="ghost" size="sm" isLoading={isFetchingNextPage} onClick={() => void fetchNextPage()}>
        Load more
      </Button>
    </div>
  );
}

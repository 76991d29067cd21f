/**
 * `work` over every item, at most `limit` at a time; results in the order of `items`.
 * For the thousands of small files of a node_modules: one at a time waits on the disk (or the
 * thread pool) for each, all at once opens thousands of descriptors.
 */
export async function mapInParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

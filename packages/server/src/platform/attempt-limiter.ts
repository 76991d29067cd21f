/**
 * Fixed-window counters in memory: enough for one node. (Several API nodes would each allow
 * the limit; a store-backed limiter is for the scaled-out issue.)
 */
export function createAttemptLimiter(options: { limit: number; windowMs: number }) {
  const windows = new Map<string, { count: number; resetAt: number }>();

  function current(key: string, now: number) {
    const w = windows.get(key);
    if (!w || w.resetAt <= now) return null;
    return w;
  }

  return {
    /** Seconds until the key may try again, or 0 when it may now. */
    retryAfter(key: string, now = Date.now()): number {
      const w = current(key, now);
      return w && w.count >= options.limit ? Math.ceil((w.resetAt - now) / 1000) : 0;
    },
    hit(key: string, now = Date.now()): void {
      const w = current(key, now);
      if (w) w.count++;
      else windows.set(key, { count: 1, resetAt: now + options.windowMs });
      if (windows.size > 100_000) {
        for (const [k, v] of windows) if (v.resetAt <= now) windows.delete(k);
      }
    },
    reset(key: string): void {
      windows.delete(key);
    },
  };
}

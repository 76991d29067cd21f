import type { Logger } from "./logger.ts";

export type Reloader = {
  /** Reloads now; rejects when the reload fails. */
  reload(): Promise<void>;
  /**
   * Resolves once a reload that started after this call has finished, so the caller's change is
   * in memory. Bursts coalesce: at most one reload runs and one waits. Never rejects.
   */
  changed(): Promise<void>;
  /** Also reloads every intervalMs, for changes other nodes made. */
  start(): void;
  stop(): void;
};

/** Keeps an in-memory copy equal to the store: reloaded whole on change and every few seconds. */
export function createReloader(
  load: () => Promise<void>,
  options: { logger: Logger; what: string; intervalMs?: number },
): Reloader {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;

  function run(): Promise<void> {
    const p = load()
      .catch((error) => options.logger.error({ err: error }, `${options.what} reload failed`))
      .finally(() => {
        if (running === p) running = null;
      });
    running = p;
    return p;
  }

  function changed(): Promise<void> {
    if (!running) return run();
    next ??= running.then(() => {
      next = null;
      return run();
    });
    return next;
  }

  return {
    reload: load,
    changed,
    start() {
      timer = setInterval(() => void changed(), options.intervalMs ?? 5000);
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

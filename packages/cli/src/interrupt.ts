/**
 * Runs `work` with a signal that Ctrl-C (SIGINT) aborts, instead of Ctrl-C ending the process,
 * so a command that follows a stream can stop cleanly and say what happens next.
 */
export async function untilInterrupted<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once("SIGINT", abort);
  try {
    return await work(controller.signal);
  } finally {
    process.off("SIGINT", abort);
  }
}

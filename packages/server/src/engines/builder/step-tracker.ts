import type { BuildLog } from "./build-log.ts";
import { type BuildEvents, BuildFailure, type BuildStepId } from "./builder.types.ts";

export type StepTracker = {
  /** Emits running, then succeeded or failed/canceled; any error leaves as a BuildFailure of this step when it can. */
  run<T>(id: BuildStepId, body: () => Promise<T>): Promise<T>;
  /** A step with nothing to do (no hook, no build command, a reused artifact). */
  skip(id: BuildStepId): void;
  /** A step that fails before it starts: emits it failed, returns the failure to throw. */
  fail(id: BuildStepId, reason: BuildFailure["reason"], message: string): BuildFailure;
};

export function createStepTracker(context: {
  events: BuildEvents;
  log: BuildLog;
  signal: AbortSignal;
  deadline: number;
  timeoutSeconds: number;
}): StepTracker {
  const { events, log, signal } = context;

  /** Aborts and deadlines win over whatever error they caused (a killed git, a closed pipe). */
  const explain = (id: BuildStepId, error: unknown): unknown => {
    if (signal.aborted) return new BuildFailure(id, "canceled", "the build was canceled");
    if (Date.now() >= context.deadline) {
      return new BuildFailure(id, "timed_out", `the build ran past its ${context.timeoutSeconds} s limit`);
    }
    return error;
  };
  const finish = (id: BuildStepId, startedAt: Date, error: unknown) => {
    const failure = error instanceof BuildFailure ? error : null;
    const status = failure?.reason === "canceled" ? "canceled" : "failed";
    events.onStep({ id, status, startedAt, endedAt: new Date() });
    const message = error instanceof Error ? error.message : String(error);
    log.system(`${id}: ${status}: ${failure ? message : `internal error: ${message}`}`);
  };

  return {
    async run(id, body) {
      const startedAt = new Date();
      events.onStep({ id, status: "running", startedAt, endedAt: null });
      try {
        const value = await body();
        events.onStep({ id, status: "succeeded", startedAt, endedAt: new Date() });
        return value;
      } catch (error) {
        const failure = error instanceof BuildFailure ? error : explain(id, error);
        finish(id, startedAt, failure);
        throw failure;
      }
    },
    skip(id) {
      events.onStep({ id, status: "skipped", startedAt: null, endedAt: null });
    },
    fail(id, reason, message) {
      const failure = new BuildFailure(id, reason, message);
      finish(id, new Date(), failure);
      return failure;
    },
  };
}

import { type Build, type BuildLogLine, buildLogLineSchema, buildSchema } from "@slipway/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { z } from "zod";
import { buildKeys, buildPath, isBuildActive, useRefreshAfterBuild } from "./builds";

/** `connecting` covers the browser's own reconnects (it resumes after the last line it got). */
export type BuildLogPhase = "connecting" | "live" | "ended" | "unavailable";

/** Lines arrive in bursts; the viewer re-renders at most this often. */
const flushMs = 50;

function parseEvent<T>(schema: z.ZodType<T>, event: Event): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse((event as MessageEvent<string>).data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * A build's log, live: the server-sent event stream sends every line so far, then each new one,
 * then `end`. `build` events keep the cached build (steps, status) current as it runs. Same
 * origin, so the session cookie goes along. `attempt` restarts a stream that gave up.
 */
export function useBuildLog(teamId: string, buildId: string, attempt = 0) {
  const queryClient = useQueryClient();
  const refreshAfterBuild = useRefreshAfterBuild(teamId);
  const [lines, setLines] = useState<BuildLogLine[]>([]);
  const [phase, setPhase] = useState<BuildLogPhase>("connecting");

  // biome-ignore lint/correctness/useExhaustiveDependencies: one stream per build and attempt; the callbacks it uses do not change what it reads.
  useEffect(() => {
    let received: BuildLogLine[] = [];
    let pending: BuildLogLine[] = [];
    let lastSeq = 0;
    // Seen ending while watched: what lists builds and the project's production are stale now.
    let hasEndedHere = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setLines([]);
    setPhase("connecting");

    const flush = () => {
      timer = undefined;
      if (pending.length === 0) return;
      received = received.concat(pending);
      pending = [];
      setLines(received);
    };
    const source = new EventSource(`${buildPath(teamId, buildId)}/logs/stream`, { withCredentials: true });

    source.addEventListener("open", () => setPhase("live"));
    source.addEventListener("line", (event) => {
      const line = parseEvent(buildLogLineSchema, event);
      if (!line || line.seq <= lastSeq) return;
      lastSeq = line.seq;
      pending.push(line);
      timer ??= setTimeout(flush, flushMs);
    });
    source.addEventListener("build", (event) => {
      const build = parseEvent(buildSchema, event);
      if (!build) return;
      queryClient.setQueryData<Build>(buildKeys.detail(teamId, buildId), (known) => {
        if (known && isBuildActive(known) && !isBuildActive(build)) hasEndedHere = true;
        return build;
      });
    });
    source.addEventListener("end", () => {
      source.close();
      clearTimeout(timer);
      flush();
      setPhase("ended");
      const build = queryClient.getQueryData<Build>(buildKeys.detail(teamId, buildId));
      if (hasEndedHere && build) void refreshAfterBuild(build);
    });
    source.addEventListener("error", () => {
      // CLOSED: the server refused (signed out, no access); otherwise the browser is reconnecting.
      setPhase(source.readyState === EventSource.CLOSED ? "unavailable" : "connecting");
    });

    return () => {
      source.close();
      clearTimeout(timer);
    };
  }, [teamId, buildId, attempt]);

  return { lines, phase };
}

import { type Build, type BuildLogLine, buildLogLineSchema, buildSchema } from "@slipway/contracts";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { type LogPhase, openLineStream, parseEvent } from "../lib/line-stream";
import { buildKeys, buildPath, isBuildActive, useRefreshAfterBuild } from "./builds";

export type BuildLogPhase = LogPhase;

/**
 * A build's log, live: the server-sent event stream sends every line so far, then each new one,
 * then `end`. `build` events keep the cached build (steps, status) current as it runs.
 * `attempt` restarts a stream that gave up.
 */
export function useBuildLog(teamId: string, buildId: string, attempt = 0) {
  const queryClient = useQueryClient();
  const refreshAfterBuild = useRefreshAfterBuild(teamId);
  const [lines, setLines] = useState<BuildLogLine[]>([]);
  const [phase, setPhase] = useState<BuildLogPhase>("connecting");

  // biome-ignore lint/correctness/useExhaustiveDependencies: one stream per build and attempt; the callbacks it uses do not change what it reads.
  useEffect(() => {
    let received: BuildLogLine[] = [];
    // Seen ending while watched: what lists builds and the project's production are stale now.
    let hasEndedHere = false;
    setLines([]);
    setPhase("connecting");

    const stream = openLineStream({
      url: `${buildPath(teamId, buildId)}/logs/stream`,
      line: buildLogLineSchema,
      idOf: (line) => line.seq,
      onLines: (batch) => {
        received = received.concat(batch);
        setLines(received);
      },
      onPhase: setPhase,
      on: {
        build: (event) => {
          const build = parseEvent(buildSchema, event);
          if (!build) return;
          queryClient.setQueryData<Build>(buildKeys.detail(teamId, buildId), (known) => {
            if (known && isBuildActive(known) && !isBuildActive(build)) hasEndedHere = true;
            return build;
          });
        },
        end: () => {
          stream.finish();
          setPhase("ended");
          const build = queryClient.getQueryData<Build>(buildKeys.detail(teamId, buildId));
          if (hasEndedHere && build) void refreshAfterBuild(build);
        },
      },
    });
    return stream.close;
  }, [teamId, buildId, attempt]);

  return { lines, phase };
}

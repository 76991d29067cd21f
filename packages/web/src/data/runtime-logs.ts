import { type RuntimeLogLine, runtimeLogLineSchema } from "@slipway/contracts";
import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import { apiJson, withQuery } from "../lib/api";
import { type LogPhase, openLineStream } from "../lib/line-stream";
import { toastError } from "../lib/toast";
import { deploymentPath } from "./deployments";

/** What the server filters the lines by; each change starts the stream over. */
export type RuntimeLogFilter = {
  instanceId?: string | undefined;
  stream?: RuntimeLogLine["stream"] | undefined;
  q?: string | undefined;
};

/** Without `after`, the stream starts with this many of the newest lines (the server's choice). */
const streamBacklog = 100;
/** The most lines the API hands out at once; also the most this view holds. */
const maxLines = 5000;
const olderPage = 500;

const linesSchema = z.object({ lines: z.array(runtimeLogLineSchema) });

/**
 * A deployment's runtime log, live: the newest lines that match `filter`, then each new one as
 * its instances write it. `loadOlder` reaches further back with the plain endpoint (which has
 * no "before": it asks for more of the newest lines and keeps the ones it did not have).
 * `attempt` restarts a stream that gave up.
 */
export function useRuntimeLog(teamId: string, deploymentId: string, filter: RuntimeLogFilter, attempt = 0) {
  const [lines, setLines] = useState<RuntimeLogLine[]>([]);
  /** The lines as of the last change, ahead of the render that shows them. */
  const linesRef = useRef(lines);
  const [phase, setPhase] = useState<LogPhase>("connecting");
  const [hasOlder, setHasOlder] = useState(false);
  const [isLoadingOlder, setIsLoadingOlder] = useState(false);
  /** Bumped per stream, so older lines fetched for a previous filter are dropped. */
  const generation = useRef(0);
  const { instanceId, stream: streamName, q } = filter;
  const path = `${deploymentPath(teamId, deploymentId)}/logs`;

  function commit(next: RuntimeLogLine[]) {
    linesRef.current = next;
    setLines(next);
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: one stream per deployment, filter and attempt; `path` follows the ids.
  useEffect(() => {
    const current = ++generation.current;
    let isReady = false;
    let backlogCount = 0;
    commit([]);
    setPhase("connecting");
    setHasOlder(false);

    const stream = openLineStream({
      url: withQuery(`${path}/stream`, { instanceId, stream: streamName, q }),
      line: runtimeLogLineSchema,
      idOf: (line) => line.id,
      onLines: (batch) => {
        if (!isReady) backlogCount += batch.length;
        const next = linesRef.current.concat(batch);
        if (next.length > maxLines) setHasOlder(true);
        commit(next.length > maxLines ? next.slice(next.length - maxLines) : next);
      },
      onPhase: setPhase,
      on: {
        // The backlog is in: a full one means there may be older lines.
        ready: () => {
          if (isReady || current !== generation.current) return;
          stream.flush();
          isReady = true;
          setHasOlder(backlogCount >= streamBacklog);
        },
      },
    });
    return stream.close;
  }, [teamId, deploymentId, instanceId, streamName, q, attempt]);

  async function loadOlder() {
    const oldest = linesRef.current[0];
    if (!oldest || isLoadingOlder) return;
    const current = generation.current;
    const limit = Math.min(maxLines, linesRef.current.length + olderPage);
    setIsLoadingOlder(true);
    try {
      const answer = await apiJson(path, linesSchema, { query: { instanceId, stream: streamName, q, limit } });
      if (current !== generation.current) return;
      const older = answer.lines.filter((line) => line.id < oldest.id);
      if (linesRef.current[0]?.id === oldest.id) commit([...older, ...linesRef.current]);
      setHasOlder(answer.lines.length === limit && limit < maxLines);
    } catch (error) {
      toastError("Couldn't load older lines")(error);
    } finally {
      setIsLoadingOlder(false);
    }
  }

  return { lines, phase, hasOlder, isLoadingOlder, loadOlder };
}

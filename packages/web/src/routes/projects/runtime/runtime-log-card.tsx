import type { RuntimeLogLine } from "@slipway/contracts";
import { ChevronsUp, Pause, Play } from "lucide-react";
import { useMemo, useState } from "react";
import { CopyButton } from "../../../components/copy-button";
import { ClearFiltersButton, SelectFilter, TextFilter, useClearFilters } from "../../../components/filter-fields";
import { LogLines } from "../../../components/log-lines";
import { LogStatus } from "../../../components/log-status";
import { Button } from "../../../components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { useDeploymentRuntime } from "../../../data/apps";
import { useRuntimeLog } from "../../../data/runtime-logs";
import { formatClock, formatDateTime, shortId } from "../../../lib/format";
import type { RuntimeSearch } from "../../../router";

const streamOptions = [
  { value: "stdout", label: "stdout" },
  { value: "stderr", label: "stderr" },
  { value: "system", label: "Slipway" },
] as const;

const keyOf = (line: RuntimeLogLine) => line.id;

/** Lines Slipway writes about the deployment as a whole (idling, autoscaling) carry no instance. */
const instanceLabel = (instanceId: string) => (instanceId === "-" ? "—" : shortId(instanceId));

/**
 * The deployment's runtime log, live: what its instances print and what Slipway says about
 * them, filtered on the server (instance, stream, text) so a quiet line is found among many.
 */
export function RuntimeLogCard({
  teamId,
  deploymentId,
  search,
  onSearchChange,
}: {
  teamId: string;
  deploymentId: string;
  search: RuntimeSearch;
  onSearchChange: (patch: Partial<RuntimeSearch>) => void;
}) {
  const [attempt, setAttempt] = useState(0);
  const [isFollowing, setIsFollowing] = useState(true);
  const filter = { instanceId: search.instance, stream: search.stream, q: search.q };
  const log = useRuntimeLog(teamId, deploymentId, filter, attempt);
  const runtime = useDeploymentRuntime(teamId, deploymentId);
  const { generation, clear } = useClearFilters(() =>
    onSearchChange({ instance: undefined, stream: undefined, q: undefined }),
  );
  const isFiltered = Object.values(filter).some((value) => value !== undefined);

  const instanceOptions = useMemo(() => {
    const ids = new Set((runtime.data?.instances ?? []).map((instance) => instance.id));
    if (search.instance) ids.add(search.instance);
    return [...ids].map((id) => ({ value: id, label: shortId(id) }));
  }, [runtime.data, search.instance]);
  const text = useMemo(
    () => log.lines.map((line) => `${line.at} ${line.instanceId} ${line.stream} ${line.text}`).join("\n"),
    [log.lines],
  );

  return (
    <Card data-testid="runtime-log" className="overflow-hidden">
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-4 pb-4">
        <div className="grid gap-1.5">
          <CardTitle>Runtime logs</CardTitle>
          <CardDescription>What the instances print, and Slipway's notes on starts, exits and scaling.</CardDescription>
        </div>
        <Button variant="outline" size="sm" aria-pressed={!isFollowing} onClick={() => setIsFollowing(!isFollowing)}>
          {isFollowing ? <Pause /> : <Play />}
          {isFollowing ? "Pause" : "Follow"}
        </Button>
      </CardHeader>
      <div className="grid grid-cols-2 items-end gap-3 px-6 pb-4 lg:grid-cols-[minmax(0,1fr)_10rem_10rem_auto]">
        <div className="col-span-2 lg:col-span-1">
          <TextFilter
            key={`q-${generation}`}
            label="Search"
            placeholder="Text in the line"
            value={search.q}
            onChange={(q) => onSearchChange({ q })}
          />
        </div>
        <SelectFilter
          label="Instance"
          anyLabel="All instances"
          value={search.instance}
          options={instanceOptions}
          onChange={(instance) => onSearchChange({ instance })}
        />
        <SelectFilter
          label="Stream"
          anyLabel="All streams"
          value={search.stream}
          options={streamOptions}
          onChange={(stream) => onSearchChange({ stream })}
        />
        {/* On a phone it takes a row of its own: only while there is something to clear. */}
        <div className={isFiltered ? "col-span-2 lg:col-span-1" : "hidden lg:block"}>
          <ClearFiltersButton isFiltered={isFiltered} onClear={clear} />
        </div>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2 border-t px-3 py-2">
        <LogStatus
          phase={log.phase}
          isActive
          lineCount={log.lines.length}
          shownCount={null}
          onReconnect={() => setAttempt((n) => n + 1)}
        />
        <div className="flex items-center gap-1">
          {log.hasOlder ? (
            <Button variant="ghost" size="sm" isLoading={log.isLoadingOlder} onClick={() => void log.loadOlder()}>
              {log.isLoadingOlder ? null : <ChevronsUp />}
              Load older
            </Button>
          ) : null}
          <CopyButton text={text} label="log" />
        </div>
      </div>
      <div className="border-t">
        <LogLines
          lines={log.lines}
          keyOf={keyOf}
          gutter={(line) => (
            <>
              <time dateTime={line.at} title={formatDateTime(line.at)}>
                {formatClock(line.at)}
              </time>
              <span title={line.instanceId}>{instanceLabel(line.instanceId)}</span>
            </>
          )}
          gutterWidth="calc(14ch + 2.5rem)"
          needle={search.q?.toLowerCase() ?? ""}
          label="Runtime log"
          empty={
            log.phase === "connecting"
              ? "Connecting…"
              : isFiltered
                ? "No line matches the filters yet. New ones show as they are written."
                : "No output yet. Lines show here as the instances write them."
          }
          isFollowing={isFollowing}
          onFollowingChange={setIsFollowing}
        />
      </div>
    </Card>
  );
}

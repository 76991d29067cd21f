import { invocationStatuses } from "@slipway/contracts";
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { Activity, Pause, Play, SearchX } from "lucide-react";
import { useState } from "react";
import { ClearFiltersButton, SelectFilter, TextFilter, useClearFilters } from "../../../components/filter-fields";
import { PagedList } from "../../../components/paged-list";
import { EmptyState } from "../../../components/states";
import { Button } from "../../../components/ui/button";
import { Card } from "../../../components/ui/card";
import { type InvocationFilters, useInvocationStream, useInvocations } from "../../../data/functions";
import { useCurrentTeam } from "../../teams/team-layout";
import { invocationStatusLabels } from "../common/invocation-badges";
import { useCurrentFunction } from "../detail/function-layout";
import type { InvocationSearch } from "../function-search";
import { InvocationSheet } from "./invocation-sheet";
import { InvocationsTable } from "./invocations-table";

const route = getRouteApi("/_app/t/$teamId/functions/$functionId/invocations");

const statusOptions = invocationStatuses.map((status) => ({ value: status, label: invocationStatusLabels[status] }));
const startOptions = [
  { value: "cold", label: "Cold starts" },
  { value: "warm", label: "Warm" },
] as const;
const rangeOptions = [
  { value: "1h", label: "Last hour" },
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
] as const;

/**
 * The Invocations tab: every invocation, newest first, filtered on the server (status, cold
 * start, time, text in the logs); "Follow" adds each new one as it finishes. A row opens its
 * logs and REPORT details.
 */
export function FunctionInvocationsPage() {
  const { team } = useCurrentTeam();
  const fn = useCurrentFunction();
  const search = route.useSearch();
  const navigate = useNavigate();
  const [isFollowing, setIsFollowing] = useState(false);
  const filters: InvocationFilters = { status: search.state, cold: search.cold, range: search.range, q: search.q };
  const invocations = useInvocations(team.id, fn.id, filters);
  const stream = useInvocationStream(team.id, fn.id, filters, isFollowing);
  const isFiltered = Object.values(filters).some((value) => value !== undefined);

  const update = (patch: Partial<InvocationSearch> | null) =>
    void navigate({
      to: ".",
      search: (previous: InvocationSearch) => (patch ? { ...previous, ...patch } : {}),
      replace: true,
    });
  const { generation, clear } = useClearFilters(() => update(null));

  return (
    <div className="grid gap-4">
      <div className="grid grid-cols-2 items-end gap-3 lg:grid-cols-[minmax(0,1fr)_9.5rem_9rem_9.5rem_auto_auto]">
        <div className="col-span-2 lg:col-span-1">
          <TextFilter
            key={`q-${generation}`}
            label="Search"
            placeholder="Text in the logs or error"
            value={search.q}
            onChange={(q) => update({ q })}
          />
        </div>
        <SelectFilter
          label="Status"
          anyLabel="Any status"
          value={search.state}
          options={statusOptions}
          onChange={(state) => update({ state })}
        />
        <SelectFilter
          label="Start"
          anyLabel="Cold or warm"
          value={search.cold}
          options={startOptions}
          onChange={(cold) => update({ cold })}
        />
        <SelectFilter
          label="Time"
          anyLabel="Any time"
          value={search.range}
          options={rangeOptions}
          onChange={(range) => update({ range })}
        />
        <ClearFiltersButton isFiltered={isFiltered} onClear={clear} />
        <Button
          variant={isFollowing ? "secondary" : "outline"}
          size="sm"
          className="h-9"
          aria-pressed={isFollowing}
          onClick={() => setIsFollowing(!isFollowing)}
        >
          {isFollowing ? <Pause /> : <Play />}
          {isFollowing ? "Stop following" : "Follow"}
        </Button>
      </div>
      {isFollowing ? (
        <p
          className="flex items-center gap-2 text-muted-foreground text-xs"
          aria-live="polite"
          data-testid="follow-status"
        >
          {stream.phase === "live" ? (
            <>
              <span className="relative flex size-2">
                <span className="absolute inline-flex size-full animate-ping rounded-full bg-success opacity-60" />
                <span className="relative inline-flex size-2 rounded-full bg-success" />
              </span>
              <span className="font-medium text-success">Live</span>: new invocations show at the top as they finish.
            </>
          ) : stream.phase === "unavailable" ? (
            <span className="text-destructive">The live stream is unavailable; turn Follow off and on to retry.</span>
          ) : (
            "Connecting…"
          )}
        </p>
      ) : null}
      <Card className="overflow-hidden">
        <PagedList
          query={invocations}
          skeletonRows={6}
          skeletonClassName="h-9"
          empty={
            isFiltered ? (
              <EmptyState icon={SearchX} title="No matching invocations" description="Try other filters." />
            ) : (
              <EmptyState
                icon={Activity}
                title="No invocations yet"
                description="Call the function's URL, run a test, or add a trigger; each call shows here with its logs."
              />
            )
          }
        >
          {(items) => (
            <InvocationsTable
              invocations={items}
              selectedId={search.invocation}
              onSelect={(invocation) => update({ invocation: invocation.id })}
            />
          )}
        </PagedList>
      </Card>
      <InvocationSheet
        fn={fn}
        invocationId={search.invocation ?? null}
        onClose={() => update({ invocation: undefined })}
      />
    </div>
  );
}

import type { ServerlessFunction } from "@slipway/contracts";
import { getRouteApi, Link, Outlet } from "@tanstack/react-router";
import { ArrowUpRight, ChevronLeft, Lock, SearchX } from "lucide-react";
import { CopyButton } from "../../../components/copy-button";
import { ExternalLink } from "../../../components/external-link";
import { EmptyState, ErrorState } from "../../../components/states";
import { type TabLink, TabNav } from "../../../components/tab-nav";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { Skeleton } from "../../../components/ui/skeleton";
import { useFunction } from "../../../data/functions";
import { useProject } from "../../../data/projects";
import { isApiError } from "../../../lib/api";
import { RequirePermission, useCurrentTeam } from "../../teams/team-layout";
import { RuntimeMark, useRuntimeName } from "../common/runtime";

const route = getRouteApi("/_app/t/$teamId/functions/$functionId");

/** Every `/functions/$functionId/...` tab: the function's header, its tabs, then the tab. */
export function FunctionLayout() {
  return (
    <RequirePermission permission="projects:read">
      <FunctionFrame />
    </RequirePermission>
  );
}

function FunctionFrame() {
  const { team } = useCurrentTeam();
  const { functionId } = route.useParams();
  const fn = useFunction(team.id, functionId);

  if (isApiError(fn.error, 404)) {
    return (
      <EmptyState
        icon={SearchX}
        title="Function not found"
        description="It was deleted, or it belongs to another team."
        action={
          <Button asChild variant="outline" size="sm">
            <Link to="/t/$teamId/functions" params={{ teamId: team.id }}>
              All functions
            </Link>
          </Button>
        }
      />
    );
  }
  if (fn.isError) return <ErrorState error={fn.error} onRetry={() => void fn.refetch()} />;
  if (!fn.data) return <LayoutSkeleton />;
  return (
    <div className="grid grid-cols-1 gap-6">
      <FunctionHeader fn={fn.data} />
      <FunctionTabs teamId={team.id} functionId={functionId} />
      <Outlet />
    </div>
  );
}

function FunctionHeader({ fn }: { fn: ServerlessFunction }) {
  const { team } = useCurrentTeam();
  const project = useProject(team.id, fn.projectId);
  const runtimeName = useRuntimeName();
  return (
    <header className="grid gap-3">
      <Link
        to="/t/$teamId/projects/$projectId/functions"
        params={{ teamId: team.id, projectId: fn.projectId }}
        className="flex w-fit items-center gap-1 text-muted-foreground text-sm hover:text-foreground"
      >
        <ChevronLeft className="size-4" />
        {project.data?.name ?? fn.projectSlug}
      </Link>
      <div className="flex flex-col gap-4 sm:flex-row sm:items-center sm:justify-between">
        <div className="flex min-w-0 items-center gap-3">
          <RuntimeMark runtime={fn.runtime} className="size-10 text-xs" />
          <div className="grid min-w-0 gap-1">
            <div className="flex min-w-0 items-center gap-2">
              <h1 className="truncate font-semibold text-2xl tracking-tight">{fn.name}</h1>
              {fn.productionVersion !== null ? (
                <Badge variant="outline" className="tabular-nums" data-testid="production-version">
                  v{fn.productionVersion}
                </Badge>
              ) : (
                <Badge variant="warning">Not deployed</Badge>
              )}
              {fn.settings.isPrivate ? (
                <Badge variant="secondary">
                  <Lock className="size-3" aria-hidden />
                  Private
                </Badge>
              ) : null}
            </div>
            <div className="flex min-w-0 items-center gap-1 text-muted-foreground text-sm">
              <span className="shrink-0">{runtimeName(fn.runtime)}</span>
              <span aria-hidden>·</span>
              <ExternalLink href={fn.url} className="truncate hover:text-foreground" data-testid="function-url" />
              <CopyButton text={fn.url} label="function URL" className="size-7" />
            </div>
          </div>
        </div>
        <Button asChild variant="outline" size="sm" className="self-start sm:self-auto">
          <ExternalLink href={fn.url}>
            Open
            <ArrowUpRight />
          </ExternalLink>
        </Button>
      </div>
    </header>
  );
}

function FunctionTabs({ teamId, functionId }: { teamId: string; functionId: string }) {
  const params = { teamId, functionId };
  const tabs: TabLink[] = [
    { label: "Code", link: { to: "/t/$teamId/functions/$functionId", params }, isExact: true },
    { label: "Test", link: { to: "/t/$teamId/functions/$functionId/test", params } },
    { label: "Invocations", link: { to: "/t/$teamId/functions/$functionId/invocations", params } },
    { label: "Metrics", link: { to: "/t/$teamId/functions/$functionId/metrics", params } },
    { label: "Triggers", link: { to: "/t/$teamId/functions/$functionId/triggers", params } },
    { label: "Versions", link: { to: "/t/$teamId/functions/$functionId/versions", params } },
    { label: "Settings", link: { to: "/t/$teamId/functions/$functionId/settings", params } },
  ];
  return <TabNav label="Function" tabs={tabs} />;
}

function LayoutSkeleton() {
  return (
    <div className="grid gap-6" role="status" aria-label="Loading function">
      <Skeleton className="h-4 w-24" />
      <div className="flex items-center gap-3">
        <Skeleton className="size-10" />
        <div className="grid gap-2">
          <Skeleton className="h-7 w-48" />
          <Skeleton className="h-4 w-72" />
        </div>
      </div>
      <Skeleton className="h-9 w-full max-w-xl" />
      <Skeleton className="h-96" />
    </div>
  );
}

/** The function of the current `/functions/$functionId` page; the layout renders tabs only once it has loaded. */
export function useCurrentFunction(): ServerlessFunction {
  const { team } = useCurrentTeam();
  const { functionId } = route.useParams();
  const { data } = useFunction(team.id, functionId);
  if (!data) throw new Error(`useCurrentFunction before function ${functionId} loaded`);
  return data;
}

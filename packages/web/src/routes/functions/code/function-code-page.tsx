import { type FunctionSource, functionTemplates } from "@slipway/contracts";
import { getRouteApi, Link } from "@tanstack/react-router";
import { useState } from "react";
import { ErrorState } from "../../../components/states";
import { Card } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { useFunctionSource, useFunctionVersions } from "../../../data/functions";
import { useCurrentTeam } from "../../teams/team-layout";
import { useCurrentFunction } from "../detail/function-layout";
import { CodeWorkspace } from "./code-workspace";

const route = getRouteApi("/_app/t/$teamId/functions/$functionId/");

/**
 * The Code tab: the production version's files in the editor (or the version the address
 * names), deployed as a new version from here.
 */
export function FunctionCodePage() {
  const { team } = useCurrentTeam();
  const fn = useCurrentFunction();
  const search = route.useSearch();
  const versions = useFunctionVersions(team.id, fn.id);
  // Without a production version (the first deploy failed), the newest one holds the latest code.
  const versionId = search.version ?? fn.productionVersionId ?? versions.data?.[0]?.id ?? null;
  const version = versions.data?.find((candidate) => candidate.id === versionId) ?? null;
  const source = useFunctionSource(team.id, fn.id, versionId);
  const hasNoVersion = versions.isSuccess && versions.data.length === 0;
  /** The last deploy's compiler message; kept here, as a failed first version reloads the editor. */
  const [deployError, setDeployError] = useState<string | null>(null);

  if (source.isError) return <ErrorState error={source.error} onRetry={() => void source.refetch()} />;
  if (!source.data && !hasNoVersion) {
    return (
      <Card className="grid gap-3 p-4" aria-busy>
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-[32rem]" />
      </Card>
    );
  }
  const template = functionTemplates[fn.runtime];
  const shown: FunctionSource = source.data ?? { versionId: "template", entry: template.entry, files: template.files };
  return (
    <div className="grid gap-3">
      {search.version && search.version !== fn.productionVersionId ? (
        <p className="rounded-lg border bg-muted/40 px-3 py-2 text-muted-foreground text-sm" data-testid="version-note">
          Showing version {version ? version.number : "…"}
          {version?.status === "failed" ? " (failed to deploy)" : ""}, not production. Deploying makes a new version
          from this code.{" "}
          <Link
            to="/t/$teamId/functions/$functionId"
            params={{ teamId: team.id, functionId: fn.id }}
            className="font-medium text-foreground underline-offset-4 hover:underline"
          >
            Show production
          </Link>
        </p>
      ) : null}
      <CodeWorkspace
        key={shown.versionId}
        fn={fn}
        source={shown}
        deployError={deployError}
        onDeployError={setDeployError}
      />
    </div>
  );
}

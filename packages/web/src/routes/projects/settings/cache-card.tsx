import type { Project } from "@slipway/contracts";
import { Trash2 } from "lucide-react";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { Button } from "../../../components/ui/button";
import { CardContent } from "../../../components/ui/card";
import { useClearBuildCache } from "../../../data/builds";
import { withToasts } from "../../../lib/toast";
import { useCurrentTeam } from "../../teams/team-layout";
import { SettingsCard } from "./settings-card";

/** Installed dependencies are kept per lockfile; clearing makes the next build install from scratch. */
export function CacheCard({ project }: { project: Project }) {
  const { team, can } = useCurrentTeam();
  const clear = useClearBuildCache(team.id, project.id);
  return (
    <SettingsCard
      id="cache"
      title="Build cache"
      description="Dependencies installed by a build are kept for the next one with the same lockfile."
    >
      <CardContent className="flex flex-col gap-3 pt-4 sm:flex-row sm:items-center sm:justify-between">
        <p className="text-muted-foreground text-sm">
          Clear it when a build behaves differently from a clean install. The next build takes longer.
        </p>
        {can("builds:create") ? (
          <ConfirmDialog
            trigger={
              <Button variant="outline" size="sm">
                <Trash2 />
                Clear cache
              </Button>
            }
            title="Clear the build cache?"
            description={`The next build of ${project.name} installs every dependency again.`}
            confirmLabel="Clear cache"
            onConfirm={() =>
              withToasts(clear.mutateAsync(), { success: "Build cache cleared", error: "Couldn't clear the cache" })
            }
          />
        ) : null}
      </CardContent>
    </SettingsCard>
  );
}

import type { Project } from "@slipway/contracts";
import { ScanSearch } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { SettingsForm } from "../../../components/settings-form";
import { Button } from "../../../components/ui/button";
import { useDetectSettings } from "../../../data/projects";
import { useRuntimes } from "../../../data/system";
import { toastError } from "../../../lib/toast";
import { useCurrentTeam } from "../../teams/team-layout";
import { BuildOutputFields, useBuildOutputForm } from "../common/build-settings-fields";
import { SettingsCard, useSaveProject } from "./settings-card";

/** Framework, commands, output and Node version; "Detect again" proposes fresh values to review before saving. */
export function BuildCard({ project }: { project: Project }) {
  const { team, can } = useCurrentTeam();
  const saving = useSaveProject(project, "the build settings");
  const form = useBuildOutputForm(project.settings);
  const detect = useDetectSettings(team.id);
  const runtimes = useRuntimes();
  const [detectedVersions, setNodeVersions] = useState<string[]>([]);
  const nodeVersions = [...detectedVersions, ...(runtimes.data?.node.versions ?? [])];
  const canDetect = project.git !== null && saving.canSave && can("projects:create");

  function detectAgain() {
    if (!project.git) return;
    detect.mutate(project.git, {
      onSuccess: (result) => {
        form.load(result.settings);
        setNodeVersions(result.nodeVersions);
        toast.success("Detected settings filled in; review and save them");
      },
      onError: toastError("Couldn't detect settings"),
    });
  }

  return (
    <SettingsCard
      id="build"
      title="Build & output"
      description="How Slipway builds the project and which folder it publishes."
      action={
        canDetect ? (
          <Button type="button" variant="outline" size="sm" isLoading={detect.isPending} onClick={detectAgain}>
            {detect.isPending ? null : <ScanSearch />}
            Detect again
          </Button>
        ) : null
      }
    >
      <SettingsForm
        onSubmit={form.handleSubmit((settings) => saving.save({ settings }, form))}
        error={form.errors.form}
        hint="Applies from the next build."
        canSave={saving.canSave}
        isDirty={form.isDirty}
        isSaving={saving.isSaving}
      >
        <BuildOutputFields form={form} nodeVersions={nodeVersions} disabled={!saving.canSave} />
      </SettingsForm>
    </SettingsCard>
  );
}
